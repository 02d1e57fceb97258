namespace Emend.Numerics;

/// <summary>
/// The dimensions of a dense row-major array. A value type with structural equality so that shape checks are cheap
/// and error messages can print the shapes that disagreed.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;

    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(dims), $"dimension {d} is negative in {Format(dims)}");
        _dims = (int[])dims.Clone();
    }

    public int Rank => _dims?.Length ?? 0;

    public int this[int axis] => (_dims ?? [])[axis];

    public ReadOnlySpan<int> Dimensions => _dims;

    /// <summary>Number of elements; checked so that a hostile shape cannot wrap around.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in _dims ?? []) n = checked(n * d);
            return n;
        }
    }

    public bool Equals(Shape other) => Dimensions.SequenceEqual(other.Dimensions);

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims ?? []) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    public override string ToString() => Format(_dims ?? []);

    private static string Format(int[] dims) => "[" + string.Join(", ", dims) + "]";
}
