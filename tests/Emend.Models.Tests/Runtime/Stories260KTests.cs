using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Models.Tokenization;
using Emend.Tests;

namespace Emend.Models.Tests.Runtime;

/// <summary>The real pretrained stories260K in both formats decodes greedily to its documented story.</summary>
public class Stories260KTests
{
    private const string Expected = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball";

    [SkippableTheory]
    [InlineData("llama2c")]
    [InlineData("hf")]
    public void GreedyStoryMatchesTheDocumentedText(string format)
    {
        var directory = SharedData.Require(Path.Combine("models", "stories260K", format));
        using var model = Transformer.Load(directory);
        var tokenizer = TokenizerLoader.FromDirectory(directory);
        var prompt = tokenizer.Encode("Once upon a time");
        Assert.Equal(1, prompt[0]);
        var result = model.Generate([prompt], new GenerationOptions { MaxNewTokens = 60 });
        var text = tokenizer.Decode(prompt.Concat(result.Tokens[0]).ToArray(), skipSpecialTokens: true);
        Assert.StartsWith(Expected, text.TrimStart());
    }

    [SkippableFact]
    public void BothFormatsGiveTheSameLogits()
    {
        using var llama2c = Transformer.Load(SharedData.Require(Path.Combine("models", "stories260K", "llama2c")));
        using var hf = Transformer.Load(SharedData.Require(Path.Combine("models", "stories260K", "hf")));
        var batch = TokenBatch.RightPadded([[1, 403, 407, 261, 378, 365, 400, 261, 270]]);
        Tolerance.AssertClose(hf.Forward(batch).Logits, llama2c.Forward(batch).Logits, "llama2.c vs HF logits");
    }
}
