using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PhoenixSim;

/// <summary>A JSON string value, keeping lone surrogate escapes that System.Text.Json refuses to decode.</summary>
internal static class JsonText
{
    public static string Read(JsonElement json)
    {
        try
        {
            return json.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Unescape(json.GetRawText());
        }
    }

    private static string Unescape(string raw)
    {
        var text = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            if (raw[i] != '\\')
            {
                text.Append(raw[i]);
                continue;
            }

            var escape = raw[++i];
            text.Append(escape switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'b' => '\b',
                'f' => '\f',
                'u' => (char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                _ => escape,
            });
            if (escape == 'u')
            {
                i += 4;
            }
        }

        return text.ToString();
    }
}
