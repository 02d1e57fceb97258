using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Emend.Models.Checkpoints;

/// <summary>
/// A read-only, memory-mapped safetensors file. Opening reads only the 8-byte length and the header; tensor data is
/// paged in by the OS when touched, so a multi-gigabyte checkpoint costs address space, not managed memory.
/// </summary>
/// <remarks>
/// Lifetime: every span, pointer, <see cref="Emend.Numerics.MatrixView"/> or memory obtained from this file (directly
/// or through <see cref="MappedTensor"/>) points into the mapping and is valid only until <see cref="Dispose"/>; after
/// that, accessors throw <see cref="ObjectDisposedException"/> and previously obtained pointers dangle. The file is
/// opened with <see cref="FileShare.Read"/>, and replacing it by rename (as <see cref="SafetensorsWriter"/> does) is safe
/// because the mapping keeps the old contents; truncating it in place while mapped is not (the OS faults on access).
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>Header length above which a file is refused before anything is allocated (HF headers are kilobytes).</summary>
    public const long DefaultMaxHeaderBytes = 100L * 1024 * 1024;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, TensorInfo> _byName;
    private byte* _base;

    private SafetensorsFile(string path, long fileLength, long headerLength, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, SafetensorsHeader.Parsed header)
    {
        FilePath = path;
        FileLength = fileLength;
        HeaderLength = headerLength;
        _map = map;
        _view = view;
        _base = basePointer;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Full path of the mapped file.</summary>
    public string FilePath { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Length of the JSON header (including its space padding), as stored in the first 8 bytes.</summary>
    public long HeaderLength { get; }

    /// <summary>File offset at which the data section, and so every tensor's <c>data_offsets</c>, starts.</summary>
    public long DataOffset => 8 + HeaderLength;

    /// <summary>The header's <c>__metadata__</c>, or null when the file has none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>Every tensor, sorted by name (ordinal).</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Maps <paramref name="path"/> and validates its header and layout (see docs/checkpoints.md).</summary>
    /// <exception cref="CheckpointFormatException">The file breaks a format rule.</exception>
    public static SafetensorsFile Open(string path, long maxHeaderBytes = DefaultMaxHeaderBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaderBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxHeaderBytes, int.MaxValue);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");
        path = Path.GetFullPath(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        var pointerAcquired = false;
        try
        {
            var fileLength = stream.Length;
            if (fileLength < 8) throw new CheckpointFormatException(path, $"the file is {fileLength} bytes, too short for the 8-byte header length");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)maxHeaderBytes)
                throw new CheckpointFormatException(path, $"the header length {headerLength} exceeds the limit of {maxHeaderBytes} bytes");
            if (headerLength > (ulong)(fileLength - 8))
                throw new CheckpointFormatException(path, $"the header length {headerLength} runs past the end of the {fileLength}-byte file (truncated?)");

            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointerAcquired = true;
            pointer += view.PointerOffset;

            var length = (long)headerLength;
            var header = SafetensorsHeader.Parse(new ReadOnlySpan<byte>(pointer + 8, (int)length), fileLength - 8 - length, path);
            return new SafetensorsFile(path, fileLength, length, map, view, pointer, header);
        }
        catch
        {
            if (pointerAcquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            if (map is null) stream.Dispose();
            else map.Dispose();
            throw;
        }
    }

    /// <summary>Looks a tensor up by its exact name.</summary>
    public bool TryGetTensor(string name, out MappedTensor tensor)
    {
        ObjectDisposedException.ThrowIf(_base is null, this);
        if (_byName.TryGetValue(name, out var info))
        {
            tensor = new MappedTensor(this, info);
            return true;
        }
        tensor = default;
        return false;
    }

    /// <summary>Looks a tensor up by its exact name.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public MappedTensor GetTensor(string name) =>
        TryGetTensor(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{FilePath}: no tensor named \"{name}\"");

    /// <summary>Whether the file holds a tensor with that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Address of the first byte of <paramref name="info"/>'s data inside the mapping.</summary>
    internal byte* DataPointer(TensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_base is null, this);
        return _base + DataOffset + info.DataBegin;
    }

    public void Dispose()
    {
        if (_base is null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
