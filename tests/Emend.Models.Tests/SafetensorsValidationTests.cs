using System.Text;
using Emend.Models.Checkpoints;
using static Emend.Models.Tests.RawSafetensors;

namespace Emend.Models.Tests;

/// <summary>Each format rule, broken on purpose in a hand-built file, is refused with a message that says which.</summary>
public class SafetensorsValidationTests
{
    private static readonly byte[] EightBytes = [1, 2, 3, 4, 5, 6, 7, 8];

    public static TheoryData<string, byte[], string> BrokenFiles => new()
    {
        { "empty file", [], "too short" },
        { "7 bytes", new byte[7], "too short" },
        { "header length past the end", Build(Encoding.UTF8.GetBytes("{}"), [], declaredLength: 1000), "runs past the end" },
        { "header length above the cap", Build(Encoding.UTF8.GetBytes("{}"), [], declaredLength: 1UL << 40), "exceeds the limit" },
        { "header length 2^64-1", Build(Encoding.UTF8.GetBytes("{}"), [], declaredLength: ulong.MaxValue), "exceeds the limit" },
        { "zero-length header", Build([], []), "does not start with '{'" },
        { "not UTF-8", Build([(byte)'{', 0xC3, 0x28, (byte)'}'], []), "not valid UTF-8" },
        { "not JSON", Build("{\"a\":", []), "not valid JSON" },
        { "array header", Build("[]", []), "does not start with '{'" },
        { "leading whitespace", Build(" {}", []), "does not start with '{'" },
        { "content after the object", Build("{} x", []), "not valid JSON" },
        { "entry not an object", Build("{\"a\":3}", []), "not an object" },
        { "offsets past the data", Build("{" + Entry("a", "U8", [8], 0, 8) + "}", [1, 2]), "run past the data section" },
        { "begin after end", Build("{" + Entry("a", "U8", [0], 8, 0) + "}", EightBytes), "begin 8 > end 0" },
        { "overlap", Build("{" + Entry("a", "U8", [6], 0, 6) + "," + Entry("b", "U8", [4], 4, 8) + "}", EightBytes), "overlap" },
        { "gap", Build("{" + Entry("a", "U8", [4], 0, 4) + "," + Entry("b", "U8", [2], 6, 8) + "}", EightBytes), "gap" },
        { "first tensor not at 0", Build("{" + Entry("a", "U8", [4], 4, 8) + "}", EightBytes), "gap" },
        { "trailing bytes", Build("{" + Entry("a", "U8", [4], 0, 4) + "}", EightBytes), "trailing bytes" },
        { "shape disagrees with bytes", Build("{" + Entry("a", "F32", [3], 0, 8) + "}", EightBytes), "needs 12 bytes" },
        { "negative dimension", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[-8],\"data_offsets\":[0,8]}}", EightBytes), "shape holds" },
        { "fractional dimension", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[8.0],\"data_offsets\":[0,8]}}", EightBytes), "shape holds" },
        { "dimension beyond int", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967304],\"data_offsets\":[0,8]}}", EightBytes), "shape holds" },
        { "overflowing shape", Build("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", EightBytes), "overflows" },
        { "negative offset", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[-8,0]}}", EightBytes), "data_offsets holds" },
        { "three offsets", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,4,8]}}", EightBytes), "not 2" },
        { "unknown dtype", Build("{" + Entry("a", "F128", [8], 0, 8) + "}", EightBytes), "unknown dtype \"F128\"" },
        { "lower-case dtype", Build("{" + Entry("a", "f32", [2], 0, 8) + "}", EightBytes), "unknown dtype" },
        { "duplicate tensor", Build("{" + Entry("a", "U8", [4], 0, 4) + "," + Entry("a", "U8", [4], 4, 8) + "}", EightBytes), "names \"a\" twice" },
        { "duplicate metadata key", Build("{\"__metadata__\":{\"k\":\"1\"},\"__metadata__\":{\"k\":\"2\"}}", []), "twice" },
        { "duplicate field in entry", Build("{\"a\":{\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]}}", EightBytes), "repeated field" },
        { "missing shape", Build("{\"a\":{\"dtype\":\"U8\",\"data_offsets\":[0,8]}}", EightBytes), "missing shape" },
        { "unknown field", Build("{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8],\"x\":1}}", EightBytes), "\"x\"" },
        { "metadata value not a string", Build("{\"__metadata__\":{\"format\":1}}", []), "not a string" },
        { "metadata not an object", Build("{\"__metadata__\":[]}", []), "not an object" },
        { "deep nesting", Build("{\"a\":{\"dtype\":[[[[[[[[1]]]]]]]]}}", []), "" },
        { "truncated data", Build("{" + Entry("a", "U8", [8], 0, 8) + "}", EightBytes)[..^3], "run past the data section" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void BrokenFileIsRefusedWithAnExplanation(string what, byte[] bytes, string expectedFragment)
    {
        using var temp = new TempDirectory();
        var path = temp.File("broken.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path, error.Message);
        Assert.True(error.Problem.Contains(expectedFragment, StringComparison.Ordinal), $"{what}: \"{error.Problem}\" lacks \"{expectedFragment}\"");
    }

    [Fact]
    public void EdgeCasesTheFormatAllowsAreAccepted()
    {
        using var temp = new TempDirectory();
        var path = temp.File("edge.safetensors");
        var header = "{\"__metadata__\":null," + Entry("empty", "F32", [0, 5], 0, 0) + "," + Entry("scalar", "F64", [], 0, 8) + "}";
        File.WriteAllBytes(path, Build(header, BitConverter.GetBytes(-2.5), pad: false));

        using var file = SafetensorsFile.Open(path);

        Assert.Null(file.Metadata);
        Assert.Equal(0, file.GetTensor("empty").Info.ElementCount);
        Assert.Equal([-2.5f], file.GetTensor("scalar").ToFloatArray());
    }

    [Fact]
    public void HeaderCapIsConfigurable()
    {
        using var temp = new TempDirectory();
        var path = temp.File("small.safetensors");
        File.WriteAllBytes(path, Build("{" + Entry("a", "U8", [8], 0, 8) + "}", EightBytes));
        using (SafetensorsFile.Open(path, maxHeaderBytes: 64)) { }
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path, maxHeaderBytes: 16));
        Assert.Contains("exceeds the limit of 16", error.Message);
    }
}
