namespace Emend.Numerics.Tests;

public class GemmPartitionTests
{
    [Theory]
    [InlineData(512, 3072, 2, 1, 2)]
    [InlineData(3072, 64, 2, 2, 1)]
    [InlineData(6, 64, 4, 1, 1)]
    [InlineData(100, 1000, 3, 1, 3)]
    [InlineData(600, 640, 4, 2, 2)]
    public void SplitsTheLongerSideAndCoversCExactlyOnce(int m, int n, int threads, int expectedRowParts, int expectedColumnParts)
    {
        var partition = GemmPartition.Create(m, n, 6, 64, threads);
        Assert.Equal((expectedRowParts, expectedColumnParts), (partition.RowParts, partition.ColumnParts));
        var covered = new int[m, n];
        for (var worker = 0; worker < partition.Workers; worker++)
        {
            var (rowStart, rowEnd) = partition.Rows(worker);
            var (colStart, colEnd) = partition.Columns(worker);
            Assert.True(rowStart % 6 == 0 && colStart % 64 == 0, "parts start on tile boundaries");
            for (var i = rowStart; i < rowEnd; i++)
                for (var j = colStart; j < colEnd; j++)
                    covered[i, j]++;
        }
        Assert.All(covered.Cast<int>(), count => Assert.Equal(1, count));
    }
}
