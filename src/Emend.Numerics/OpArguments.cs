namespace Emend.Numerics;

/// <summary>Shape checks shared by the row-wise operations, with messages that name the sizes involved.</summary>
internal static class OpArguments
{
    /// <summary>The number of rows of a row-major [rows, dim] buffer; throws unless dim ≥ 1 divides its length.</summary>
    public static int Rows(int length, int dim, string name)
    {
        if (dim < 1)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "dim must be at least 1");
        if (length % dim != 0)
            throw new ArgumentException($"{name} has {length} elements, which is not a whole number of rows of dim {dim}", name);
        return length / dim;
    }

    public static void RequireLength(int actual, int expected, string name, string meaning)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements but must have {expected} ({meaning})", name);
    }

    /// <summary>Like <see cref="RequireLength"/> but an empty span is also accepted (the caller skips that output).</summary>
    public static void RequireLengthOrEmpty(int actual, int expected, string name, string meaning)
    {
        if (actual != 0)
            RequireLength(actual, expected, name, meaning + ", or empty to skip it");
    }

    /// <summary>A norm's eps: finite and non-negative (0 is allowed; the caller then owns the zero-variance case).</summary>
    public static void RequireEpsilon(float eps)
    {
        if (!(eps >= 0) || float.IsPositiveInfinity(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite and non-negative");
    }
}
