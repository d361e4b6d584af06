using System.Globalization;

namespace PhoenixSim;

/// <summary>The participants and products synthetic rows draw from (a few hundred each, as in a real market).</summary>
internal sealed class SyntheticCatalog
{
    private readonly Random _random;
    private readonly (string Id, string Inn, string Name)[] _participants;
    private readonly (string Gtin, string Id, string Name, string Brand)[] _products;

    public SyntheticCatalog(Random random)
    {
        _random = random;
        _participants = Enumerable.Range(0, 300)
            .Select(i => (Digits(10), Digits(12), SyntheticData.Names[i % SyntheticData.Names.Length] + " " + i.ToString(CultureInfo.InvariantCulture)))
            .ToArray();
        _products = Enumerable.Range(0, 200)
            .Select(i => (Digits(14), Digits(8), $"Сигареты «Марка {i}» 20 шт", i % 3 == 0 ? "Brand ✦ " + (i % 17) : "Бренд " + (i % 11)))
            .ToArray();
    }

    public (string Id, string Inn, string Name) Participant() => _participants[_random.Next(_participants.Length)];

    public (string Gtin, string Id, string Name, string Brand) Product() => _products[_random.Next(_products.Length)];

    private string Digits(int count) => string.Create(count, _random, (span, random) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)('0' + random.Next(10));
        }
    });
}
