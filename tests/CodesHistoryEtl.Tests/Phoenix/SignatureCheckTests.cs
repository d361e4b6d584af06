using CodesHistoryEtl.Config;
using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix;
using CodesHistoryEtl.Phoenix.Proto;

namespace CodesHistoryEtl.Tests.Phoenix;

public sealed class SignatureCheckTests
{
    private static readonly SqlIdentifier Opd = SqlIdentifier.Parse("C", "opd");

    [Fact]
    public void Negative_java_type_ids_arrive_as_uint32_and_match()
    {
        var signature = SignatureOf(SqlTypes.ExpectedFor(TimeUnits.Timestamp, Opd));
        Assert.Equal(4294967290u, signature.Columns[Columns.TOrdinal].Type.Id);

        SignatureCheck.Verify(signature, SqlTypes.ExpectedFor(TimeUnits.Timestamp, Opd), "Execute", "SELECT ...");
    }

    [Fact]
    public void Millis_mode_expects_a_bigint_time_column_and_names_the_mismatch()
    {
        var timestampTable = SignatureOf(SqlTypes.ExpectedFor(TimeUnits.Timestamp, Opd));

        var e = Assert.Throws<PhoenixException>(() =>
            SignatureCheck.Verify(timestampTable, SqlTypes.ExpectedFor(TimeUnits.Millis, Opd), "Execute", "SELECT ..."));

        Assert.Contains("'opd' is TIMESTAMP", e.Message, StringComparison.Ordinal);
        Assert.Contains("PHX_TS_UNITS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_renamed_column_is_named()
    {
        var signature = SignatureOf(SqlTypes.ExpectedFor(TimeUnits.Timestamp, Opd));
        signature.Columns[3].Label = "DID2";

        var e = Assert.Throws<PhoenixException>(() =>
            SignatureCheck.Verify(signature, SqlTypes.ExpectedFor(TimeUnits.Timestamp, Opd), "Execute", "SELECT ..."));

        Assert.Contains("'DID2' but 'did'", e.Message, StringComparison.Ordinal);
    }

    private static Signature SignatureOf(int[] typeIds)
    {
        var signature = new Signature();
        foreach (var column in Columns.Source)
        {
            signature.Columns.Add(new ColumnMetaData
            {
                Ordinal = (uint)column.SourceOrdinal, Label = column.Name.ToUpperInvariant(), ColumnName = column.Name.ToUpperInvariant(),
                Type = new AvaticaType { Id = unchecked((uint)typeIds[column.SourceOrdinal]), Name = SqlTypes.NameOf(typeIds[column.SourceOrdinal]) },
            });
        }

        return signature;
    }
}
