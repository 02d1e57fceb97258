using Emend.Models.Runtime;

namespace Emend.Models.Benchmarking;

/// <summary>Resident memory of this process after loading a model and after one short forward pass.</summary>
/// <param name="ResidentAfterLoadBytes">VmRSS once the model is open.</param>
/// <param name="PeakResidentBytes">VmHWM (the process's high-water mark) after the forward pass.</param>
public sealed record LoadMemoryReport(long ResidentAfterLoadBytes, long PeakResidentBytes);

/// <summary>
/// Measures what loading a checkpoint costs in resident memory, from <c>/proc/self/status</c> (Linux). The peak is
/// the process's high-water mark, so the measurement belongs in a fresh process that does nothing else; compare it
/// with the peak of an equally fresh process that loads nothing (<see cref="PeakResidentBytes"/> alone).
/// </summary>
public static class LoadMemoryProbe
{
    private const string StatusFile = "/proc/self/status";

    /// <summary>Loads <paramref name="modelPath"/> (weights stay mapped in their stored precision) and runs one forward pass of <paramref name="tokens"/> tokens.</summary>
    /// <exception cref="PlatformNotSupportedException">The system has no <c>/proc/self/status</c>.</exception>
    public static LoadMemoryReport Measure(string modelPath, int tokens = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        using var model = Transformer.Load(modelPath);
        var afterLoad = ReadStatus("VmRSS");
        var ids = Enumerable.Range(0, tokens).Select(i => i % model.Spec.VocabSize).ToArray();
        model.Forward(TokenBatch.RightPadded([ids]));
        return new LoadMemoryReport(afterLoad, PeakResidentBytes());
    }

    /// <summary>The process's peak resident memory so far (VmHWM).</summary>
    /// <exception cref="PlatformNotSupportedException">The system has no <c>/proc/self/status</c>.</exception>
    public static long PeakResidentBytes() => ReadStatus("VmHWM");

    private static long ReadStatus(string field)
    {
        if (!File.Exists(StatusFile)) throw new PlatformNotSupportedException($"resident memory is read from {StatusFile}, which this system does not have");
        foreach (var line in File.ReadLines(StatusFile))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var parts = line[(field.Length + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], out var kilobytes)) return kilobytes * 1024;
            throw new FormatException($"unexpected {field} line in {StatusFile}: '{line}'");
        }
        throw new PlatformNotSupportedException($"{StatusFile} has no {field} field");
    }
}
