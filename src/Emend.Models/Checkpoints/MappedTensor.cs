using System.Runtime.InteropServices;
using Emend.Numerics;

namespace Emend.Models.Checkpoints;

/// <summary>
/// One tensor inside a mapped <see cref="SafetensorsFile"/>: its header entry plus ways to reach its bytes without
/// copying (span, pointer, memory, matrix view) and one that copies and widens to float32. Every view is valid only
/// while the owning file is not disposed.
/// </summary>
public readonly unsafe struct MappedTensor
{
    internal MappedTensor(SafetensorsFile file, TensorInfo info)
    {
        File = file;
        Info = info;
    }

    /// <summary>The file that owns the mapping.</summary>
    public SafetensorsFile File { get; }

    public TensorInfo Info { get; }

    public string Name => Info.Name;

    public TensorDType DType => Info.DType;

    public Shape Shape => Info.Shape;

    /// <summary>Address of the first data byte. Unaligned in general: offsets are only as aligned as the writer chose.</summary>
    public byte* Pointer => File.DataPointer(Info);

    /// <summary>The raw little-endian bytes.</summary>
    /// <exception cref="InvalidOperationException">The tensor is 2 GiB or larger; use <see cref="Pointer"/>.</exception>
    public ReadOnlySpan<byte> Bytes => new(Pointer, CheckedSpanLength());

    /// <summary>The raw bytes as memory (for APIs that store it, such as <see cref="SafetensorsWriter"/>).</summary>
    public ReadOnlyMemory<byte> Memory => new UnmanagedMemory(Pointer, CheckedSpanLength()).Memory;

    /// <summary>
    /// A zero-copy view of a 2-D F32/F16/BF16 tensor as a row-major [rows, cols] matrix, so that GEMM can read mapped
    /// 16-bit weights directly.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not 2-D or not of a float type GEMM reads.</exception>
    public MatrixView AsMatrix()
    {
        if (Shape.Rank != 2) throw new InvalidOperationException($"tensor \"{Name}\" has shape {Shape}, not a matrix");
        if (!DType.TryGetElementType(out var elementType))
            throw new InvalidOperationException($"tensor \"{Name}\" is {DType.HeaderName()}; a matrix view needs F32, F16 or BF16");
        return new MatrixView(Pointer, elementType, Shape[0], Shape[1], Shape[1]);
    }

    /// <summary>Copies the elements into <paramref name="destination"/>, widening F16/BF16 and narrowing F64 to float32.</summary>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    /// <exception cref="InvalidOperationException">The dtype is not a float type.</exception>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length != Info.ElementCount)
            throw new ArgumentException($"tensor \"{Name}\" has {Info.ElementCount} elements, destination {destination.Length}", nameof(destination));
        var bytes = Bytes;
        switch (DType)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                break;
            case TensorDType.F16:
                ScalarWidening.HalfToSingle(MemoryMarshal.Cast<byte, ushort>(bytes), destination);
                break;
            case TensorDType.BF16:
                ScalarWidening.BFloat16ToSingle(MemoryMarshal.Cast<byte, ushort>(bytes), destination);
                break;
            case TensorDType.F64:
                ScalarWidening.DoubleToSingle(MemoryMarshal.Cast<byte, double>(bytes), destination);
                break;
            default:
                throw new InvalidOperationException($"tensor \"{Name}\" is {DType.HeaderName()}; only F64, F32, F16 and BF16 convert to float32");
        }
    }

    /// <summary>A new float32 array holding the elements (see <see cref="CopyTo"/>).</summary>
    public float[] ToFloatArray()
    {
        var values = new float[CheckedSpanLength() / DType.SizeInBytes()];
        CopyTo(values);
        return values;
    }

    public override string ToString() => $"{Name} {DType.HeaderName()} {Shape}";

    private int CheckedSpanLength() =>
        Info.ByteLength <= int.MaxValue
            ? (int)Info.ByteLength
            : throw new InvalidOperationException($"tensor \"{Name}\" is {Info.ByteLength} bytes, beyond what a span addresses; use Pointer");
}
