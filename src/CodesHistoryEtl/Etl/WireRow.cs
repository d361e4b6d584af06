using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodesHistoryEtl.Phoenix;

namespace CodesHistoryEtl.Etl;

/// <summary>
/// One source row as it arrived: numbers decoded, texts left where they are, as UTF-8 slices of the frame's
/// buffer, so a row reaches the CSV and ClickHouse without ever becoming .NET strings. The decoder refills one
/// instance row after row: a row is valid until the next one is read, and <see cref="ToSourceRow"/> keeps a copy
/// (rejects, logs, tests). An array is a list of element slices; a NULL element is an empty slice marked NULL.
/// </summary>
public sealed class WireRow
{
    private readonly Slot[] _slots;
    private Slot[] _elements = new Slot[16];
    private byte[] _buffer = [];

    public WireRow(int columns) => _slots = new Slot[columns];

    private enum SlotKind : byte
    {
        Null,
        Number,
        Text,
        Array,
    }

    public int Count => _slots.Length;

    /// <summary>Bytes of all texts and array elements of the row: a writer's buffer needs at most a multiple of it.</summary>
    public int TextBytes { get; private set; }

    /// <summary>Array elements in the row, all columns together.</summary>
    public int ElementCount { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsNull(int ordinal) => _slots[ordinal].Kind == SlotKind.Null;

    /// <summary>The integer value; epoch milliseconds (UTC) for a timestamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Number(int ordinal) => _slots[ordinal].Number;

    /// <summary>The UTF-8 bytes of a text as they came (not validated: the transform does that).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Utf8(int ordinal) => Bytes(in _slots[ordinal]);

    /// <summary>Elements of an array value; 0 for NULL.</summary>
    public int ArrayLength(int ordinal) => _slots[ordinal].Kind == SlotKind.Array ? _slots[ordinal].Length : 0;

    /// <summary>The UTF-8 bytes of element <paramref name="index"/> of an array (empty for a NULL element).</summary>
    public ReadOnlySpan<byte> Element(int ordinal, int index) => Bytes(in _elements[ElementIndex(ordinal, index)]);

    public bool ElementIsNull(int ordinal, int index) => _elements[ElementIndex(ordinal, index)].Kind == SlotKind.Null;

    /// <summary>A copy of the row as <see cref="FieldValue"/>s: texts decoded, invalid bytes kept visible (<see cref="WireUtf8"/>).</summary>
    public SourceRow ToSourceRow()
    {
        var values = new FieldValue[_slots.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _slots[i].Kind switch
            {
                SlotKind.Null => FieldValue.Null,
                SlotKind.Number => FieldValue.FromNumber(_slots[i].Number),
                SlotKind.Text => FieldValue.FromText(WireUtf8.Decode(Utf8(i))),
                _ => FieldValue.FromArray(Enumerable.Range(0, ArrayLength(i))
                    .Select(e => ElementIsNull(i, e) ? null : WireUtf8.Decode(Element(i, e))).ToArray()),
            };
        }

        return new SourceRow(values);
    }

    /// <summary>Starts refilling the row with values that are slices of <paramref name="buffer"/>.</summary>
    internal void Begin(byte[] buffer)
    {
        _buffer = buffer;
        TextBytes = 0;
        ElementCount = 0;
    }

    internal void SetNull(int ordinal) => _slots[ordinal] = default;

    internal void SetNumber(int ordinal, long number) => _slots[ordinal] = new Slot(SlotKind.Number, 0, 0, number);

    /// <summary>A text: <paramref name="utf8"/> must be a slice of the buffer given to <see cref="Begin"/>.</summary>
    internal void SetText(int ordinal, ReadOnlySpan<byte> utf8)
    {
        _slots[ordinal] = new Slot(SlotKind.Text, OffsetOf(utf8), utf8.Length, 0);
        TextBytes += utf8.Length;
    }

    /// <summary>A text of <paramref name="length"/> bytes at <paramref name="offset"/> of the buffer given to <see cref="Begin"/> (the decoder knows where it is).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the decoder's fast path, about 20 times a row
    internal void SetText(int ordinal, int offset, int length)
    {
        _slots[ordinal] = new Slot(SlotKind.Text, length == 0 ? 0 : offset, length, 0);
        TextBytes += length;
    }

    internal void BeginArray(int ordinal) => _slots[ordinal] = new Slot(SlotKind.Array, ElementCount, 0, 0);

    /// <summary>Appends an element to the array of <paramref name="ordinal"/>, the array begun last.</summary>
    internal void AddElement(int ordinal, bool isNull, ReadOnlySpan<byte> utf8) =>
        Append(ordinal, isNull ? default : new Slot(SlotKind.Text, OffsetOf(utf8), utf8.Length, 0), utf8.Length);

    /// <summary>Appends a text element of <paramref name="length"/> bytes at <paramref name="offset"/> of the buffer to the array begun last.</summary>
    internal void AddElement(int ordinal, int offset, int length) => Append(ordinal, new Slot(SlotKind.Text, length == 0 ? 0 : offset, length, 0), length);

    /// <summary>Appends a NULL element to the array of <paramref name="ordinal"/>, the array begun last.</summary>
    internal void AddNullElement(int ordinal) => Append(ordinal, default, 0);

    /// <summary>Where the elements and text bytes stand, to take back the elements a decoder added before it gave up (<see cref="TakeBack"/>).</summary>
    internal (int Elements, int TextBytes) Mark => (ElementCount, TextBytes);

    /// <summary>Forgets the elements added since <paramref name="mark"/> (the array's slot is begun again by whoever decodes it next).</summary>
    internal void TakeBack((int Elements, int TextBytes) mark) => (ElementCount, TextBytes) = mark;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int ordinal, Slot element, int textBytes)
    {
        if (ElementCount == _elements.Length)
        {
            Array.Resize(ref _elements, _elements.Length * 2);
        }

        _elements[ElementCount++] = element;
        _slots[ordinal].Length++;
        TextBytes += textBytes;
    }

    private int ElementIndex(int ordinal, int index)
    {
        ref readonly var slot = ref _slots[ordinal];
        return slot.Kind == SlotKind.Array && (uint)index < (uint)slot.Length
            ? slot.Start + index
            : throw new ArgumentOutOfRangeException(nameof(index), $"column {ordinal} has no element {index}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Bytes(in Slot slot) => slot.Kind == SlotKind.Text ? _buffer.AsSpan(slot.Start, slot.Length) : default;

    private int OffsetOf(ReadOnlySpan<byte> slice)
    {
        if (slice.IsEmpty)
        {
            return 0;
        }

        var offset = Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(_buffer), ref MemoryMarshal.GetReference(slice));
        return offset >= 0 && offset + slice.Length <= _buffer.Length
            ? (int)offset
            : throw new ArgumentException("the text is not a slice of the row's buffer", nameof(slice));
    }

    private record struct Slot(SlotKind Kind, int Start, int Length, long Number);
}
