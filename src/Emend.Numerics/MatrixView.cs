namespace Emend.Numerics;

/// <summary>
/// A non-owning view of a row-major matrix that may be stored as float32, float16 or bfloat16, typically a weight
/// in a memory-mapped checkpoint. GEMM widens 16-bit elements while packing, so a bf16 model never needs an fp32 copy.
/// The caller keeps the memory alive (and pinned or unmanaged) for as long as the view is used.
/// </summary>
public readonly unsafe struct MatrixView
{
    public MatrixView(void* data, ElementType type, int rows, int cols, int leadingDimension)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"negative matrix size {rows}x{cols}");
        if (leadingDimension < cols) throw new ArgumentOutOfRangeException(nameof(leadingDimension), $"leading dimension {leadingDimension} < columns {cols}");
        Data = data;
        Type = type;
        Rows = rows;
        Cols = cols;
        LeadingDimension = leadingDimension;
    }

    public void* Data { get; }

    public ElementType Type { get; }

    public int Rows { get; }

    public int Cols { get; }

    public int LeadingDimension { get; }
}
