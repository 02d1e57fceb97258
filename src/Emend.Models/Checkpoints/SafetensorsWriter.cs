using System.Buffers.Binary;
using System.Text;

namespace Emend.Models.Checkpoints;

/// <summary>
/// Writes one safetensors file, byte-compatible with HF's writer (see <see cref="SafetensorsHeaderWriter"/>): the data
/// of the tensors, sorted by name, back to back. The file appears atomically: it is written to a temporary file in
/// the same directory, flushed to disk, then renamed over the destination, so readers never see half a file.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (any order) and optional metadata to <paramref name="path"/>;
    /// <paramref name="progress"/> receives the number of data bytes written so far after each tensor.
    /// </summary>
    /// <exception cref="ArgumentException">Duplicate or reserved names, or bytes that disagree with shape × dtype.</exception>
    public static void Write(string path, IEnumerable<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        Validate(sorted, metadata);
        var header = SafetensorsHeaderWriter.Build(sorted, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            long written = 0;
            foreach (var tensor in sorted)
            {
                cancellationToken.ThrowIfCancellationRequested();
                stream.Write(tensor.Bytes.Span);
                written += tensor.Bytes.Length;
                progress?.Report(written);
            }
        });
    }

    private static void Validate(TensorData[] sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        for (var i = 0; i < sorted.Length; i++)
        {
            var t = sorted[i];
            if (t.Name is null || t.Name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"tensor name \"{t.Name}\" is missing or reserved", nameof(sorted));
            if (i > 0 && sorted[i - 1].Name == t.Name)
                throw new ArgumentException($"tensor \"{t.Name}\" is given twice", nameof(sorted));
            RequireEncodable(t.Name, "tensor name");
            long expected;
            try
            {
                expected = checked(t.Shape.ElementCount * t.DType.SizeInBytes());
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"tensor \"{t.Name}\": shape {t.Shape} overflows a 64-bit byte count", nameof(sorted));
            }
            if (expected != t.Bytes.Length)
                throw new ArgumentException($"tensor \"{t.Name}\": shape {t.Shape} of {t.DType.HeaderName()} needs {expected} bytes, got {t.Bytes.Length}", nameof(sorted));
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            RequireEncodable(key, "metadata key");
            RequireEncodable(value, $"metadata value of \"{key}\"");
        }
    }

    private static void RequireEncodable(string text, string what)
    {
        try
        {
            SafetensorsHeaderWriter.StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{what} \"{text}\" is not valid UTF-16 (lone surrogate)", e);
        }
    }
}
