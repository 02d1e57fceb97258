using System.Diagnostics;

namespace Emend.Models.Runtime;

/// <summary>
/// Wall time per section of a model's passes (projections, attention, norms, activations, …), to find what dominates
/// a forward or backward pass. Attach one to <see cref="Transformer.Profile"/>; without one nothing is timed.
/// </summary>
public sealed class RuntimeProfile
{
    private readonly Dictionary<string, (long Ticks, long Calls)> _sections = new(StringComparer.Ordinal);

    /// <summary>Every section seen since the last <see cref="Clear"/>, longest first.</summary>
    public IReadOnlyList<RuntimeProfileSection> Sections =>
        _sections.Select(s => new RuntimeProfileSection(s.Key, (double)s.Value.Ticks / Stopwatch.Frequency, s.Value.Calls))
            .OrderByDescending(s => s.Seconds).ToArray();

    public double TotalSeconds => (double)_sections.Values.Sum(s => s.Ticks) / Stopwatch.Frequency;

    public void Clear() => _sections.Clear();

    internal void Add(string section, long ticks)
    {
        var (total, calls) = _sections.GetValueOrDefault(section);
        _sections[section] = (total + ticks, calls + 1);
    }
}

/// <summary>Accumulated wall time of one section and how often it ran.</summary>
public readonly record struct RuntimeProfileSection(string Name, double Seconds, long Calls);

/// <summary>Times one section into a profile on dispose; with no profile it does nothing.</summary>
internal readonly ref struct ProfileScope
{
    private readonly RuntimeProfile? _profile;
    private readonly string _section;
    private readonly long _start;

    public ProfileScope(RuntimeProfile? profile, string section)
    {
        _profile = profile;
        _section = section;
        _start = profile is null ? 0 : Stopwatch.GetTimestamp();
    }

    public void Dispose() => _profile?.Add(_section, Stopwatch.GetTimestamp() - _start);
}
