using CodesHistoryEtl.Etl;
using CodesHistoryEtl.Phoenix.Proto;
using Google.Protobuf;

namespace PhoenixSim;

/// <summary>
/// Encodes a row the way Avatica's server does: scalars in scalar_value and again in the deprecated value;
/// arrays as has_array_value + array_value (+ value = the elements); SQL NULL (also a NULL array) as
/// scalar_value { type: NULL, null: true }.
/// </summary>
public static class RowEncoder
{
    private static readonly TypedValue NullValue = new() { Type = Rep.Null, Null = true };

    public static byte[] Encode(IReadOnlyList<FieldValue> values, IReadOnlyList<Rep> reps)
    {
        var row = new Row();
        for (var i = 0; i < values.Count; i++)
        {
            row.Value.Add(Encode(values[i], reps[i]));
        }

        return row.ToByteArray();
    }

    private static ColumnValue Encode(FieldValue value, Rep rep)
    {
        if (!value.IsNull && rep == Rep.Array)
        {
            var array = new ColumnValue { HasArrayValue = true };
            foreach (var element in value.Array)
            {
                var typed = element is null ? NullValue : new TypedValue { Type = Rep.String, StringValue = element };
                array.ArrayValue.Add(typed);
                array.Value.Add(typed);
            }

            return array;
        }

        var scalar = value.IsNull
            ? NullValue
            : rep == Rep.String
                ? new TypedValue { Type = Rep.String, StringValue = value.Text }
                : new TypedValue { Type = rep, NumberValue = value.Number };
        var column = new ColumnValue { ScalarValue = scalar };
        column.Value.Add(scalar);
        return column;
    }
}
