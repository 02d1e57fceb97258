namespace Emend.Models.Generation;

/// <summary>
/// How the next token is chosen from logits. <see cref="Greedy"/> takes the arg-max; otherwise logits are divided by
/// <see cref="Temperature"/>, restricted to the <see cref="TopK"/> largest and then to the smallest set whose
/// probability reaches <see cref="TopP"/> (the order Hugging Face applies its warpers in), and sampled with a
/// generator seeded from <see cref="Seed"/> and the sequence's index in the batch, so a seed reproduces a run
/// regardless of batch composition.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Arg-max decoding (ties go to the lowest token id).</summary>
    public static SamplingOptions Greedy { get; } = new() { IsGreedy = true };

    public bool IsGreedy { get; init; }

    /// <summary>Keep only the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus size in (0, 1]; 1 keeps all.</summary>
    public double TopP { get; init; } = 1.0;

    public double Temperature { get; init; } = 1.0;

    public ulong Seed { get; init; }

    /// <summary>Throws when a setting is outside its domain, naming the setting.</summary>
    public void Validate()
    {
        if (IsGreedy) return;
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be 0 (off) or positive");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must lie in (0, 1]");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be a positive finite number (use Greedy for arg-max)");
    }
}
