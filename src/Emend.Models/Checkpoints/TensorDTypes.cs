using Emend.Numerics;

namespace Emend.Models.Checkpoints;

/// <summary>Sizes and header spellings of <see cref="TensorDType"/>; the header spelling is the single source of truth for both reader and writer.</summary>
public static class TensorDTypes
{
    private static readonly (TensorDType Type, string Name, int Size)[] Table =
    [
        (TensorDType.F64, "F64", 8),
        (TensorDType.F32, "F32", 4),
        (TensorDType.F16, "F16", 2),
        (TensorDType.BF16, "BF16", 2),
        (TensorDType.F8E4M3, "F8_E4M3", 1),
        (TensorDType.F8E5M2, "F8_E5M2", 1),
        (TensorDType.I64, "I64", 8),
        (TensorDType.I32, "I32", 4),
        (TensorDType.I16, "I16", 2),
        (TensorDType.I8, "I8", 1),
        (TensorDType.U64, "U64", 8),
        (TensorDType.U32, "U32", 4),
        (TensorDType.U16, "U16", 2),
        (TensorDType.U8, "U8", 1),
        (TensorDType.Bool, "BOOL", 1),
    ];

    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this TensorDType type) => Entry(type).Size;

    /// <summary>The spelling used in a safetensors header, e.g. <c>BF16</c> or <c>F8_E4M3</c>.</summary>
    public static string HeaderName(this TensorDType type) => Entry(type).Name;

    /// <summary>Parses a header spelling; exact and case-sensitive, as the format defines it.</summary>
    public static bool TryParseHeaderName(ReadOnlySpan<char> name, out TensorDType type)
    {
        foreach (var entry in Table)
        {
            if (name.SequenceEqual(entry.Name))
            {
                type = entry.Type;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>The matrix element type GEMM can read directly, when there is one (F32, F16, BF16).</summary>
    public static bool TryGetElementType(this TensorDType type, out ElementType elementType)
    {
        (var known, elementType) = type switch
        {
            TensorDType.F32 => (true, ElementType.Float32),
            TensorDType.F16 => (true, ElementType.Float16),
            TensorDType.BF16 => (true, ElementType.BFloat16),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>Every header spelling, for error messages that list what is accepted.</summary>
    public static IEnumerable<string> HeaderNames => Table.Select(e => e.Name);

    private static (TensorDType Type, string Name, int Size) Entry(TensorDType type)
    {
        foreach (var entry in Table)
            if (entry.Type == type) return entry;
        throw new ArgumentOutOfRangeException(nameof(type), type, "not a safetensors dtype");
    }
}
