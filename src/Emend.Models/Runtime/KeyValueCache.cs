namespace Emend.Models.Runtime;

/// <summary>
/// Keys (after rotary embedding) and values of every layer for a batch, [Batch, Capacity, KvHeads·HeadDim] per
/// layer, so that a decode step computes only its new token and attention reads the cache in place
/// (<see cref="Numerics.AttentionShape.KeyStride"/> = <see cref="Capacity"/>). A forward pass without a cache uses a
/// transient one whose capacity is the batch length; backward reads the keys and values from it.
/// </summary>
public sealed class KeyValueCache
{
    private float[][] _keys = [];
    private float[][] _values = [];

    internal KeyValueCache() { }

    public int Batch { get; private set; }

    public int Capacity { get; private set; }

    public int Width { get; private set; }

    /// <summary>Positions already filled in every sequence.</summary>
    public int Length { get; internal set; }

    internal Span<float> Keys(int layer) => _keys[layer].AsSpan(0, Batch * Capacity * Width);

    internal Span<float> Values(int layer) => _values[layer].AsSpan(0, Batch * Capacity * Width);

    /// <summary>Empties the cache and sizes it, reusing its buffers when they are large enough.</summary>
    internal void Reset(int layers, int batch, int capacity, int width)
    {
        var elements = checked(batch * capacity * width);
        if (_keys.Length != layers)
        {
            _keys = new float[layers][];
            _values = new float[layers][];
        }
        for (var l = 0; l < layers; l++)
        {
            if (_keys[l] is null || _keys[l].Length < elements) _keys[l] = new float[elements];
            if (_values[l] is null || _values[l].Length < elements) _values[l] = new float[elements];
        }
        Batch = batch;
        Capacity = capacity;
        Width = width;
        Length = 0;
    }
}
