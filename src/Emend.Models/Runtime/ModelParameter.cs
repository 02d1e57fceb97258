using System.Runtime.InteropServices;
using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// One named tensor of a model (HF name), stored as a row-major matrix (vectors are one row). Its base values are
/// either a view into the memory-mapped checkpoint (float32, float16 or bfloat16, never copied) or an owned, pinned
/// float32 array (after <see cref="MaterializeFloat32"/>, for training). An edit adds a float32
/// <see cref="Delta"/> of the same layout; every consumer computes with base + delta, so the base is never rewritten
/// and an edit can be undone, exported or compared exactly.
/// </summary>
public sealed unsafe class ModelParameter
{
    private float[]? _owned;

    internal ModelParameter(string name, MatrixView storage, bool isVector)
    {
        Name = name;
        Rows = storage.Rows;
        Cols = storage.Cols;
        IsVector = isVector;
        Base = storage;
        if (isVector) MaterializeFloat32();
    }

    /// <summary>A parameter that owns pinned float32 values (a freshly initialised model).</summary>
    internal ModelParameter(string name, int rows, int cols, bool isVector)
    {
        Name = name;
        Rows = rows;
        Cols = cols;
        IsVector = isVector;
        _owned = GC.AllocateArray<float>(checked(rows * cols), pinned: true);
        Base = new MatrixView(System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_owned)), ElementType.Float32, rows, cols, cols);
    }

    /// <summary>The HF tensor name (for example <c>model.layers.1.mlp.down_proj.weight</c>).</summary>
    public string Name { get; }

    public int Rows { get; }

    public int Cols { get; }

    public long ElementCount => (long)Rows * Cols;

    /// <summary>True for rank-1 tensors (norm gains, biases); they are always held as float32.</summary>
    public bool IsVector { get; }

    /// <summary>The base values as stored (or the owned float32 copy once materialised).</summary>
    public MatrixView Base { get; private set; }

    /// <summary>The float32 edit added to the base, in the stored layout; null when the tensor is unedited.</summary>
    public float[]? Delta { get; private set; }

    /// <summary>True once the base is an owned float32 array that <see cref="Values"/> may write.</summary>
    public bool IsOwnedFloat32 => _owned is not null;

    /// <summary>The owned float32 values, row-major (training, finite differences); only after <see cref="MaterializeFloat32"/>.</summary>
    public float[] Values => _owned ?? throw new InvalidOperationException(
        $"parameter '{Name}' is a read-only view of its checkpoint; call MaterializeFloat32 before writing it");

    /// <summary>The values as float32 for vectors (always owned) and float32 matrices, without copying.</summary>
    internal ReadOnlySpan<float> Float32Values
    {
        get
        {
            if (_owned is not null) return _owned;
            if (Base.Type != ElementType.Float32)
                throw new InvalidOperationException($"parameter '{Name}' is stored as {Base.Type}; it has no float32 span");
            return new ReadOnlySpan<float>(Base.Data, checked(Rows * Cols));
        }
    }

    /// <summary>
    /// Replaces the base with an owned, pinned float32 copy (the checkpoint is no longer read for this tensor).
    /// Needed for training and on request for speed when memory allows; idempotent.
    /// </summary>
    public void MaterializeFloat32()
    {
        if (_owned is not null) return;
        var owned = GC.AllocateUninitializedArray<float>(checked(Rows * Cols), pinned: true);
        for (var r = 0; r < Rows; r++) ReadBaseRow(r, owned.AsSpan(r * Cols, Cols));
        _owned = owned;
        Base = new MatrixView(System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(owned)), ElementType.Float32, Rows, Cols, Cols);
    }

    /// <summary>Row <paramref name="row"/> of base + delta, widened to float32.</summary>
    public void ReadRow(int row, Span<float> destination)
    {
        ReadBaseRow(row, destination);
        if (Delta is not null)
        {
            var d = Delta.AsSpan(row * Cols, Cols);
            for (var i = 0; i < Cols; i++) destination[i] += d[i];
        }
    }

    /// <summary>Adds <paramref name="change"/> (stored layout, Rows×Cols) to the delta, creating it on first use.</summary>
    public void AddToDelta(ReadOnlySpan<float> change)
    {
        if (change.Length != ElementCount)
            throw new ArgumentException($"delta for '{Name}' must have {Rows}x{Cols} = {ElementCount} elements, got {change.Length}", nameof(change));
        var delta = Delta ??= new float[Rows * Cols];
        for (var i = 0; i < delta.Length; i++) delta[i] += change[i];
    }

    /// <summary>Sets the delta to a copy of <paramref name="delta"/> (stored layout), or removes it when null.</summary>
    public void SetDelta(ReadOnlySpan<float> delta)
    {
        if (delta.Length != ElementCount)
            throw new ArgumentException($"delta for '{Name}' must have {Rows}x{Cols} = {ElementCount} elements, got {delta.Length}", nameof(delta));
        Delta = delta.ToArray();
    }

    /// <summary>Drops the edit: the tensor is the checkpoint's again.</summary>
    public void ClearDelta() => Delta = null;

    private void ReadBaseRow(int row, Span<float> destination)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"'{Name}' has {Rows} rows");
        if (_owned is not null)
        {
            _owned.AsSpan(row * Cols, Cols).CopyTo(destination);
            return;
        }
        var offset = (long)row * Base.LeadingDimension;
        switch (Base.Type)
        {
            case ElementType.Float32:
                new ReadOnlySpan<float>((float*)Base.Data + offset, Cols).CopyTo(destination);
                break;
            case ElementType.Float16:
                HalfConversion.HalfToSingle(new ReadOnlySpan<ushort>((ushort*)Base.Data + offset, Cols), destination);
                break;
            default:
                HalfConversion.BFloat16ToSingle(new ReadOnlySpan<ushort>((ushort*)Base.Data + offset, Cols), destination);
                break;
        }
    }
}
