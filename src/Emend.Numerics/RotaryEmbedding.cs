using System.Numerics;

namespace Emend.Numerics;

/// <summary>
/// Rotary position embeddings (RoPE) with Hugging Face's exact conventions: inverse frequencies
/// <c>1/θ^(2j/r)</c> for j &lt; r/2 computed in float32, angles <c>position·inv_freq[j]</c> rounded to float32, and
/// pair j rotated by that angle. <see cref="RotaryLayout.HalfSplit"/> pairs dims (j, j + r/2) ("rotate_half": Llama,
/// Qwen2, GPT-NeoX); <see cref="RotaryLayout.Interleaved"/> pairs (2j, 2j + 1) (GPT-J). Only the first r = rotaryDim
/// dims of each head rotate (partial rotary); the rest pass through. The cos/sin table grows on demand and is
/// shared safely between threads.
/// </summary>
public sealed class RotaryEmbedding
{
    private const int InitialCapacity = 256;

    private readonly float[] _inverseFrequencies;
    private readonly Lock _growLock = new();
    private volatile RotaryTable _table;

    /// <param name="headDim">width of one head.</param>
    /// <param name="rotaryDim">leading dims of each head that rotate: even, 2..headDim (GPT-NeoX rotary_pct·headDim, GPT-J rotary_dim).</param>
    /// <param name="theta">the base θ (rope_theta, rotary_emb_base; 10000 for most models).</param>
    /// <param name="layout">which dims form a rotating pair.</param>
    public RotaryEmbedding(int headDim, int rotaryDim, double theta, RotaryLayout layout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        if (rotaryDim < 2 || rotaryDim > headDim || rotaryDim % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(rotaryDim), rotaryDim, $"rotaryDim must be even and between 2 and headDim {headDim}");
        if (!(theta > 1) || double.IsInfinity(theta))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "theta must be a finite base greater than 1 (e.g. 10000)");
        if (!Enum.IsDefined(layout))
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown rotary layout");
        HeadDim = headDim;
        RotaryDim = rotaryDim;
        Layout = layout;
        _inverseFrequencies = new float[rotaryDim / 2];
        var baseF = (float)theta;
        for (var j = 0; j < _inverseFrequencies.Length; j++)
        {
            var exponent = (float)(2 * j) / rotaryDim;
            _inverseFrequencies[j] = 1f / (float)Math.Pow(baseF, exponent);
        }
        _table = new RotaryTable(_inverseFrequencies, InitialCapacity);
    }

    public int HeadDim { get; }

    public int RotaryDim { get; }

    public RotaryLayout Layout { get; }

    /// <summary>inv_freq[j] = 1/θ^(2j/rotaryDim), as float32, j &lt; rotaryDim/2.</summary>
    public ReadOnlySpan<float> InverseFrequencies => _inverseFrequencies;

    /// <summary>Rotates every head of every row by its row's position, in place.</summary>
    /// <param name="x">[rows, heads·HeadDim]</param>
    /// <param name="positions">[rows], the position id of each row (non-negative).</param>
    /// <param name="heads">heads per row.</param>
    public void Apply(Span<float> x, ReadOnlySpan<int> positions, int heads) => Rotate(x, positions, heads, inverse: false);

    /// <summary>
    /// The backward of <see cref="Apply"/>: the rotation is orthogonal, so its transpose (rotation by −angle) maps
    /// dLoss/d(rotated) to dLoss/d(input), in place.
    /// </summary>
    public void ApplyBackward(Span<float> dx, ReadOnlySpan<int> positions, int heads) => Rotate(dx, positions, heads, inverse: true);

    private void Rotate(Span<float> x, ReadOnlySpan<int> positions, int heads, bool inverse)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        var rowWidth = (long)heads * HeadDim;
        if (x.Length != positions.Length * rowWidth)
            throw new ArgumentException($"x has {x.Length} elements but positions.Length {positions.Length} × heads {heads} × headDim {HeadDim} = {positions.Length * rowWidth}", nameof(x));
        var maxPosition = -1;
        foreach (var p in positions)
        {
            if (p < 0) throw new ArgumentOutOfRangeException(nameof(positions), p, "positions must be non-negative");
            maxPosition = Math.Max(maxPosition, p);
        }
        if (maxPosition < 0) return;

        var table = TableCovering(maxPosition);
        var half = RotaryDim / 2;
        for (var row = 0; row < positions.Length; row++)
        {
            var cos = new ReadOnlySpan<float>(table.Cos, positions[row] * half, half);
            var sin = new ReadOnlySpan<float>(table.Sin, positions[row] * half, half);
            for (var h = 0; h < heads; h++)
            {
                var head = x.Slice((int)(row * rowWidth) + h * HeadDim, RotaryDim);
                if (Layout == RotaryLayout.HalfSplit) RotateHalves(head, cos, sin, inverse);
                else RotatePairs(head, cos, sin, inverse);
            }
        }
    }

    private RotaryTable TableCovering(int position)
    {
        var table = _table;
        if (position < table.Capacity) return table;
        lock (_growLock)
        {
            table = _table;
            if (position >= table.Capacity)
            {
                var capacity = (int)Math.Min(Math.Max(2L * table.Capacity, position + 1L), int.MaxValue / _inverseFrequencies.Length);
                if (position >= capacity)
                    throw new ArgumentOutOfRangeException("positions", position, "position too large for a rotary table");
                _table = table = new RotaryTable(_inverseFrequencies, capacity);
            }
            return table;
        }
    }

    /// <summary>x'[j] = x[j]·cos − x[j+h]·sin, x'[j+h] = x[j+h]·cos + x[j]·sin (sin negated for the inverse).</summary>
    private static void RotateHalves(Span<float> head, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, bool inverse)
    {
        var half = cos.Length;
        var first = head[..half];
        var second = head.Slice(half, half);
        var j = 0;
        for (; j + Vector<float>.Count <= half; j += Vector<float>.Count)
        {
            var a = new Vector<float>(first[j..]);
            var b = new Vector<float>(second[j..]);
            var c = new Vector<float>(cos[j..]);
            var s = new Vector<float>(sin[j..]);
            if (inverse) s = -s;
            (a * c - b * s).CopyTo(first[j..]);
            (b * c + a * s).CopyTo(second[j..]);
        }
        for (; j < half; j++)
        {
            var s = inverse ? -sin[j] : sin[j];
            var a = first[j];
            var b = second[j];
            first[j] = a * cos[j] - b * s;
            second[j] = b * cos[j] + a * s;
        }
    }

    /// <summary>x'[2j] = x[2j]·cos − x[2j+1]·sin, x'[2j+1] = x[2j+1]·cos + x[2j]·sin (sin negated for the inverse).</summary>
    private static void RotatePairs(Span<float> head, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, bool inverse)
    {
        for (var j = 0; j < cos.Length; j++)
        {
            var s = inverse ? -sin[j] : sin[j];
            var a = head[2 * j];
            var b = head[2 * j + 1];
            head[2 * j] = a * cos[j] - b * s;
            head[2 * j + 1] = b * cos[j] + a * s;
        }
    }
}
