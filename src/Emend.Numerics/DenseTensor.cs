using System.Numerics;

namespace Emend.Numerics;

/// <summary>
/// An owning, dense, row-major array of float32 or float64 values with a shape. Activations are float32 and
/// statistics/solves are float64 (as MEMIT does), so the element type is generic but constrained to IEEE floats.
/// </summary>
public sealed class DenseTensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public DenseTensor(Shape shape)
    {
        Shape = shape;
        Data = new T[checked((int)shape.ElementCount)];
    }

    public DenseTensor(Shape shape, T[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.LongLength != shape.ElementCount)
            throw new ArgumentException($"buffer holds {data.Length} elements but shape {shape} needs {shape.ElementCount}", nameof(data));
        Shape = shape;
        Data = data;
    }

    public static DenseTensor<T> Zeros(params int[] dims) => new(new Shape(dims));

    public Shape Shape { get; }

    /// <summary>The elements in row-major order; exposed as an array so kernels can pin it without copying.</summary>
    public T[] Data { get; }

    public Span<T> Span => Data;

    public int Length => Data.Length;

    /// <summary>Row <paramref name="index"/> of a tensor seen as [rows, last dimension].</summary>
    public Span<T> Row(int index)
    {
        var cols = Shape.Rank == 0 ? 1 : Shape[Shape.Rank - 1];
        return Data.AsSpan(checked(index * cols), cols);
    }

    public T this[int row, int col]
    {
        get => Data[row * Shape[Shape.Rank - 1] + col];
        set => Data[row * Shape[Shape.Rank - 1] + col] = value;
    }

    /// <summary>A view of the same elements under another shape with the same element count.</summary>
    public DenseTensor<T> Reshape(params int[] dims) => new(new Shape(dims), Data);

    public DenseTensor<T> Clone() => new(Shape, (T[])Data.Clone());
}
