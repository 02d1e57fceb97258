namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Thrown when an input to a dense solver holds NaN or ±∞. Checking up front (an O(n²) scan against O(n³) work)
/// turns a silently poisoned result into an error that names the operand and the first bad element.
/// </summary>
public sealed class MatrixNotFiniteException : ArithmeticException
{
    public MatrixNotFiniteException(string operand, int row, int column, double value)
        : base($"{operand} holds a non-finite value {value} at row {row}, column {column}")
    {
        Operand = operand;
        Row = row;
        Column = column;
        Value = value;
    }

    /// <summary>Which argument held the value (e.g. "matrix", "right-hand sides").</summary>
    public string Operand { get; }

    public int Row { get; }

    public int Column { get; }

    public double Value { get; }
}
