using System.Buffers;
using CodesHistoryEtl.ClickHouse;
using CodesHistoryEtl.Etl;

namespace CodesHistoryEtl.Tests.ClickHouse;

public sealed class RowEncoderTests
{
    private static readonly DateTimeOffset Until = new(2024, 8, 1, 11, 0, 0, TimeSpan.Zero);

    private static void Encode(ExportRow row) => new RowEncoder("job", Guid.NewGuid()).Write(new ArrayBufferWriter<byte>(), row);

    [Theory]
    [InlineData("t", 256)]
    [InlineData("pg", 65536)]
    [InlineData("st", -1)]
    [InlineData("emd", -1000)]
    [InlineData("apd", 4_294_967_296_000)]
    public void A_value_that_does_not_fit_its_type_names_the_column(string column, long value)
    {
        var row = TestRows.Make("c", Until.ToUnixTimeMilliseconds() - 1, Until, v => TestRows.Set(v, column, FieldValue.FromNumber(value)));
        var e = Assert.Throws<InvalidOperationException>(() => Encode(row));
        Assert.StartsWith($"Column {column}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_UUID_is_written_as_two_little_endian_halves()
    {
        var output = new ArrayBufferWriter<byte>();
        RowBinary.WriteUuid(output, Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"));
        Assert.Equal(Convert.FromHexString("7766554433221100ffeeddccbbaa9988"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void The_insert_column_list_is_the_target_columns_then_the_metadata()
    {
        Assert.Equal(Columns.Target.Select(c => c.Name).Concat(["etl_job", "load_id"]), RowEncoder.InsertColumns.Split(", "));
    }
}
