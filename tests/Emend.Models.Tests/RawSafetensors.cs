using System.Buffers.Binary;
using System.Text;

namespace Emend.Models.Tests;

/// <summary>
/// Assembles safetensors bytes by hand (length prefix + header text + data) so that validation tests can build
/// exactly the malformed file they mean, independently of our writer.
/// </summary>
internal static class RawSafetensors
{
    public static byte[] Build(string headerJson, byte[] data, bool pad = true)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return Build(header, data, pad);
    }

    public static byte[] Build(byte[] header, byte[] data, bool pad = true, ulong? declaredLength = null)
    {
        var padding = pad ? (8 - header.Length % 8) % 8 : 0;
        var bytes = new byte[8 + header.Length + padding + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)(header.Length + padding));
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padding).Fill((byte)' ');
        data.CopyTo(bytes, 8 + header.Length + padding);
        return bytes;
    }

    /// <summary>A header entry, e.g. <c>Entry("a", "F32", [2], 0, 8)</c>.</summary>
    public static string Entry(string name, string dtype, int[] shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{end}]}}";
}
