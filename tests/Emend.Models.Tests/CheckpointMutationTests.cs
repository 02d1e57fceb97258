using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Emend.Models.Checkpoints;
using Emend.Numerics;

namespace Emend.Models.Tests;

/// <summary>
/// Seeded fuzzing of small checkpoints: thousands of truncated, bit-flipped and rewritten files and indexes must
/// either open (and then every tensor must be readable) or fail with <see cref="CheckpointFormatException"/> — never
/// another exception, and never with an allocation out of proportion to the file (a hostile header length must be
/// refused before anything is allocated for it). Allocation is measured per case on the test's own thread, which
/// tests running in parallel cannot disturb, unlike process-wide memory figures.
/// </summary>
public partial class CheckpointMutationTests
{
    private const int Cases = 3000;

    /// <summary>Generous for files of about a kilobyte; a header length taken at face value would exceed it by orders of magnitude.</summary>
    private const long MaxAllocatedBytesPerCase = 2 * 1024 * 1024;

    private static readonly string[] NumberReplacements =
        ["-1", "0", "1.5", "1e3", "-0", "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551616", "99999999999999999999999"];

    private static readonly string[] DTypeReplacements = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "F128", "f32", "", "BOOL ", "U8\\u0000"];

    /// <summary>Writes one damaged checkpoint whose files all start with <paramref name="prefix"/>; returns the path to open.</summary>
    private delegate string Mutation(Random random, string prefix, byte[] seedFile);

    [Fact]
    public void DamagedCheckpointsOnlyEverFailWithCheckpointFormatException()
    {
        Mutation[] mutations =
        [
            Truncate, FlipBits, OverwriteHeaderByte, RewriteHeaderLength, ReplaceNumber, ReplaceDType, DuplicateEntry,
            DeleteHeaderSpan, InsertIntoData, ReplaceMetadataValue, MutateIndexText, BreakShardSet,
        ];
        var random = new Random(20240611);
        using var seedDirectory = new TempDirectory();
        var seedFile = BuildSeedFile(seedDirectory.Path);
        var seedShards = BuildSeedShards(seedDirectory.Path);
        using var root = new TempDirectory(inMemory: true);
        var refusedPerMutation = new int[mutations.Length];
        var accepted = 0;

        for (var i = 0; i < Cases; i++)
        {
            var kind = i % mutations.Length;
            // New file names per case: on a disk file system, rewriting or removing files costs milliseconds each.
            var prefix = root.File($"case{i}");
            if (kind >= mutations.Length - 2) WriteSeedShards(prefix, seedShards);
            var target = mutations[kind](random, prefix, seedFile);

            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var checkpoint = Checkpoint.Open(target);
                ReadEveryTensor(checkpoint);
                accepted++;
            }
            catch (CheckpointFormatException)
            {
                refusedPerMutation[kind]++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} ({mutations[kind].Method.Name}) threw {e.GetType().Name} instead of CheckpointFormatException: {e}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < MaxAllocatedBytesPerCase, $"case {i} ({mutations[kind].Method.Name}) allocated {allocated} bytes");
        }

        for (var k = 0; k < mutations.Length; k++)
            Assert.True(refusedPerMutation[k] > 0, $"{mutations[k].Method.Name} never produced a refused file");
        Assert.InRange(accepted, 1, Cases - 1);
    }

    private static byte[] BuildSeedFile(string directory)
    {
        var random = new Random(1);
        var tensors = new List<TensorData>();
        TensorDType[] types = [TensorDType.F32, TensorDType.F16, TensorDType.BF16, TensorDType.F64, TensorDType.I64, TensorDType.U8, TensorDType.Bool, TensorDType.I32];
        for (var i = 0; i < types.Length; i++)
        {
            int[] shape = i % 3 == 0 ? [3, 5] : i % 3 == 1 ? [7] : [2, 2, 2];
            var bytes = new byte[new Shape(shape).ElementCount * types[i].SizeInBytes()];
            random.NextBytes(bytes);
            tensors.Add(new TensorData($"layers.{i}.weight", types[i], new Shape(shape), bytes));
        }
        var path = Path.Combine(directory, Checkpoint.SingleFileName);
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "seed" });
        return File.ReadAllBytes(path);
    }

    /// <summary>The files of a valid two-shard checkpoint, kept in memory so each case can lay them down cheaply.</summary>
    private static Dictionary<string, byte[]> BuildSeedShards(string seedDirectory)
    {
        var directory = Path.Combine(seedDirectory, "sharded");
        ShardedCheckpointValidationTests.WriteTwoShards(directory);
        return Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
    }

    private static void ReadEveryTensor(Checkpoint checkpoint)
    {
        foreach (var info in checkpoint.Tensors)
        {
            var tensor = checkpoint.GetTensor(info.Name);
            Assert.Equal(info.ByteLength, tensor.Bytes.Length);
            if (info.DType is TensorDType.F32 or TensorDType.F16 or TensorDType.BF16 or TensorDType.F64)
                Assert.Equal(info.ElementCount, tensor.ToFloatArray().Length);
            if (info.Shape.Rank == 2 && info.DType is TensorDType.F32 or TensorDType.F16 or TensorDType.BF16)
                Assert.Equal(info.Shape[1], tensor.AsMatrix().Cols);
        }
    }

    private static string Save(string prefix, byte[] bytes)
    {
        var path = prefix + ".safetensors";
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string IndexPath(string prefix) => prefix + "." + Checkpoint.IndexFileName;

    private static string ShardPath(string prefix, int index) => prefix + "-" + CheckpointWriter.ShardFileName(index, 2);

    /// <summary>Lays down the two-shard seed under per-case names, the index rewritten to point at them.</summary>
    private static void WriteSeedShards(string prefix, Dictionary<string, byte[]> seedShards)
    {
        var index = Encoding.UTF8.GetString(seedShards[Checkpoint.IndexFileName]);
        for (var shard = 0; shard < 2; shard++)
        {
            var name = CheckpointWriter.ShardFileName(shard, 2);
            File.WriteAllBytes(ShardPath(prefix, shard), seedShards[name]);
            index = index.Replace(name, Path.GetFileName(ShardPath(prefix, shard)), StringComparison.Ordinal);
        }
        File.WriteAllText(IndexPath(prefix), index);
    }

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    /// <summary>Re-assembles a file around an edited header with a matching length, so the edit reaches the deeper checks.</summary>
    private static string SaveWithHeader(Random random, string prefix, string header, byte[] data) =>
        Save(prefix, RawSafetensors.Build(Encoding.UTF8.GetBytes(header.TrimEnd(' ')), data, pad: random.Next(2) == 0));

    private static string Truncate(Random random, string prefix, byte[] seed) => Save(prefix, seed[..random.Next(seed.Length)]);

    private static string FlipBits(Random random, string prefix, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(seed);
        for (var n = random.Next(1, 5); n > 0; n--)
        {
            var at = random.Next(4) == 0 ? random.Next(bytes.Length) : random.Next(headerEnd);
            bytes[at] ^= (byte)(1 << random.Next(8));
        }
        return Save(prefix, bytes);
    }

    private static string OverwriteHeaderByte(Random random, string prefix, byte[] seed)
    {
        const string alphabet = "{}[]\",:0123456789-.eE \\abcxyz\u0001";
        var bytes = (byte[])seed.Clone();
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(seed);
        bytes[random.Next(8, headerEnd)] = (byte)alphabet[random.Next(alphabet.Length)];
        return Save(prefix, bytes);
    }

    private static string RewriteHeaderLength(Random random, string prefix, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        var n = BinaryPrimitives.ReadUInt64LittleEndian(seed);
        ulong[] candidates = [0, 1, 7, n - 1, n + 1, n + 8, (ulong)seed.Length, (ulong)seed.Length - 8, 1UL << 31, (1UL << 32) + n, 1UL << 63, ulong.MaxValue, (ulong)random.NextInt64()];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, candidates[random.Next(candidates.Length)]);
        return Save(prefix, bytes);
    }

    private static string ReplaceNumber(Random random, string prefix, byte[] seed)
    {
        var (header, data) = Split(seed);
        var numbers = Number().Matches(header);
        var target = numbers[random.Next(numbers.Count)];
        var replacement = random.Next(3) == 0 ? random.Next(0, 400).ToString() : NumberReplacements[random.Next(NumberReplacements.Length)];
        return SaveWithHeader(random, prefix, header[..target.Index] + replacement + header[(target.Index + target.Length)..], data);
    }

    private static string ReplaceDType(Random random, string prefix, byte[] seed)
    {
        var (header, data) = Split(seed);
        var dtypes = DType().Matches(header);
        var target = dtypes[random.Next(dtypes.Count)].Groups[1];
        var replacement = DTypeReplacements[random.Next(DTypeReplacements.Length)];
        return SaveWithHeader(random, prefix, header[..target.Index] + replacement + header[(target.Index + target.Length)..], data);
    }

    private static string DuplicateEntry(Random random, string prefix, byte[] seed)
    {
        var (header, data) = Split(seed);
        var entries = TensorEntry().Matches(header);
        var source = entries[random.Next(entries.Count)];
        var target = entries[random.Next(entries.Count)];
        var edited = random.Next(2) == 0
            ? header[..target.Index] + source.Value + "," + header[target.Index..]
            : header[..target.Groups[1].Index] + source.Groups[1].Value + header[(target.Groups[1].Index + target.Groups[1].Length)..];
        return SaveWithHeader(random, prefix, edited, data);
    }

    private static string DeleteHeaderSpan(Random random, string prefix, byte[] seed)
    {
        var (header, data) = Split(seed);
        var text = header.TrimEnd(' ');
        var start = random.Next(text.Length);
        var length = random.Next(1, Math.Min(60, text.Length - start) + 1);
        return SaveWithHeader(random, prefix, text.Remove(start, length), data);
    }

    private static string InsertIntoData(Random random, string prefix, byte[] seed)
    {
        var extra = new byte[random.Next(1, 9)];
        random.NextBytes(extra);
        var at = random.Next(2) == 0 ? seed.Length : random.Next(8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(seed), seed.Length);
        return Save(prefix, [.. seed[..at], .. extra, .. seed[at..]]);
    }

    private static string ReplaceMetadataValue(Random random, string prefix, byte[] seed)
    {
        var (header, data) = Split(seed);
        string[] values = ["1", "null", "{}", "[\"pt\"]", "\"\\ud800\"", "\"ok\"", "true", "\"\\u0000\""];
        var edited = header.Replace("\"seed\"", values[random.Next(values.Length)], StringComparison.Ordinal);
        if (random.Next(3) == 0) edited = edited.Replace("{\"format\"", "[\"format\"", StringComparison.Ordinal);
        return SaveWithHeader(random, prefix, edited, data);
    }

    private static string MutateIndexText(Random random, string prefix, byte[] seed)
    {
        var path = IndexPath(prefix);
        var text = File.ReadAllText(path);
        text = random.Next(5) switch
        {
            0 => text.Remove(random.Next(text.Length), 1),
            1 => text.Insert(random.Next(text.Length), "{}[]\",:-0.9x"[random.Next(12)].ToString()),
            2 => text.Replace("-model-00002-of", random.Next(2) == 0 ? "-model-00003-of" : "/../model-00002-of", StringComparison.Ordinal),
            3 => Number().Replace(text, _ => NumberReplacements[random.Next(NumberReplacements.Length)], 1),
            _ => text[..random.Next(text.Length)],
        };
        File.WriteAllText(path, text);
        return path;
    }

    private static string BreakShardSet(Random random, string prefix, byte[] seed)
    {
        var first = ShardPath(prefix, 0);
        var second = ShardPath(prefix, 1);
        switch (random.Next(4))
        {
            case 0:
                File.Delete(second);
                break;
            case 1:
                var swapped = File.ReadAllBytes(first);
                File.WriteAllBytes(first, File.ReadAllBytes(second));
                File.WriteAllBytes(second, swapped);
                break;
            case 2:
                var bytes = File.ReadAllBytes(second);
                File.WriteAllBytes(second, bytes[..random.Next(bytes.Length)]);
                break;
            default:
                File.Copy(first, second, overwrite: true);
                break;
        }
        return IndexPath(prefix);
    }

    [GeneratedRegex(@"-?\d+")]
    private static partial Regex Number();

    [GeneratedRegex("\"dtype\":\"([^\"]*)\"")]
    private static partial Regex DType();

    [GeneratedRegex("(\"layers\\.\\d\\.weight\"):\\{[^}]*\\},?")]
    private static partial Regex TensorEntry();
}
