using Emend.Tests;

namespace Emend.Cli.Tests;

public class SharedDataTests
{
    [SkippableFact]
    public void SharedFolderHoldsItsReadme()
    {
        var readme = SharedData.Require("README.md");
        Assert.Contains("shared", File.ReadAllText(readme));
    }
}
