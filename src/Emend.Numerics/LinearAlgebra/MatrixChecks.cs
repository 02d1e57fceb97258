using System.Numerics.Tensors;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>Argument validation shared by the dense solvers, so that every entry point reports shapes the same way.</summary>
internal static class MatrixChecks
{
    /// <summary>Checks that <paramref name="length"/> is exactly order × order and that the order fits a span.</summary>
    public static void RequireSquare(int length, int order, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        var need = (long)order * order;
        if (need > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(order), $"order {order} needs {need} elements, more than one array can hold");
        if (length != need)
            throw new ArgumentException($"matrix buffer holds {length} elements but a {order}x{order} matrix needs {need}", paramName);
    }

    /// <summary>Checks a row-major order × count block of right-hand sides.</summary>
    public static void RequireRightHandSides(int length, int order, int count, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var need = (long)order * count;
        if (length != need)
            throw new ArgumentException($"right-hand side buffer holds {length} elements but [{order}, {count}] needs {need}", paramName);
    }

    /// <summary>Throws <see cref="MatrixNotFiniteException"/> for the first NaN/∞ in the lower triangle (the part the solvers read).</summary>
    public static void RequireFiniteLowerTriangle(ReadOnlySpan<double> matrix, int order, string operand)
    {
        for (var i = 0; i < order; i++)
            RequireFiniteRow(matrix.Slice(i * order, i + 1), i, operand);
    }

    /// <summary>Throws <see cref="MatrixNotFiniteException"/> for the first NaN/∞ in a row-major matrix with <paramref name="columns"/> columns.</summary>
    public static void RequireFinite(ReadOnlySpan<double> values, int columns, string operand)
    {
        for (var row = 0; row * columns < values.Length; row++)
            RequireFiniteRow(values.Slice(row * columns, columns), row, operand);
    }

    private static void RequireFiniteRow(ReadOnlySpan<double> row, int rowIndex, string operand)
    {
        if (TensorPrimitives.IsFiniteAll(row))
            return;
        for (var j = 0; j < row.Length; j++)
            if (!double.IsFinite(row[j]))
                throw new MatrixNotFiniteException(operand, rowIndex, j, row[j]);
    }
}
