namespace Emend.Numerics;

/// <summary>Storage types of a matrix that GEMM can read directly, widening 16-bit values while it packs.</summary>
public enum ElementType
{
    Float32,
    Float16,
    BFloat16,
}
