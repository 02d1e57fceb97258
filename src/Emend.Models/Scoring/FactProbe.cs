namespace Emend.Models.Scoring;

/// <summary>A prompt with the answer the model should give and an alternative it should rank lower (token ids).</summary>
public sealed record FactProbe(IReadOnlyList<int> Prompt, IReadOnlyList<int> Answer, IReadOnlyList<int> Alternative);

/// <summary>
/// How the model did on one <see cref="FactProbe"/>: greedy decoding reproduces the whole answer (teacher-forced
/// arg-max at every answer token, which is equivalent), the first answer token is the arg-max, and the answer's mean
/// per-token log-probability beats the alternative's (ROME's length-normalised efficacy comparison).
/// </summary>
public sealed record FactProbeResult(bool ExactGreedyMatch, bool FirstTokenCorrect, bool AnswerOutscoresAlternative);
