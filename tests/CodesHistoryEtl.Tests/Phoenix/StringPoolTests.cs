using System.Text;
using CodesHistoryEtl.Phoenix;

namespace CodesHistoryEtl.Tests.Phoenix;

public sealed class StringPoolTests
{
    [Fact]
    public void Repeated_texts_share_one_string()
    {
        var pool = new StringPool();

        var first = pool.Get("ТОО «Ромашка»"u8);
        var again = pool.Get("ТОО «Ромашка»"u8);

        Assert.Equal("ТОО «Ромашка»", first);
        Assert.Same(first, again);
        Assert.Same(string.Empty, pool.Get([]));
    }

    [Fact]
    public void Colliding_and_unique_texts_still_decode_to_their_own_value()
    {
        var pool = new StringPool();

        for (var i = 0; i < 20_000; i++)
        {
            // 3000 repeating values then unique ones: slots collide and the pool may switch itself off.
            var text = i < 10_000 ? $"v{i % 3000}" : $"unique-{i}-Ж";
            Assert.Equal(text, pool.Get(Encoding.UTF8.GetBytes(text)));
        }
    }
}
