namespace Emend.Models.Checkpoints;

/// <summary>
/// Element types of a safetensors tensor, named after the header's <c>dtype</c> strings (<c>F32</c>, <c>BF16</c>, …).
/// All are little-endian. The 8-bit float formats are carried through read and write unchanged; only the float
/// formats that GEMM or widening understand (F32, F16, BF16, F64) can be viewed as numbers.
/// </summary>
public enum TensorDType
{
    F64,
    F32,
    F16,
    BF16,
    F8E4M3,
    F8E5M2,
    I64,
    I32,
    I16,
    I8,
    U64,
    U32,
    U16,
    U8,
    Bool,
}
