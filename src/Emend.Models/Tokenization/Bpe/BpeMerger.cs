using System.Buffers;

namespace Emend.Models.Tokenization;

/// <summary>
/// The BPE merge loop shared by every format: repeatedly merge the adjacent pair with the lowest rank, the leftmost
/// one on ties, until no pair has a rule. Symbols sit in a linked list over the input order and candidate pairs in a
/// binary heap keyed by (rank, left position), so a word of n symbols costs O(n log n) instead of the O(n²) rescans of
/// the reference implementations (which give the same result: the heap order is exactly "lowest rank, then
/// leftmost"). A popped candidate is re-validated against the current neighbours, which makes stale entries harmless.
/// </summary>
internal static class BpeMerger
{
    private const int StackSymbols = 64;
    private const int Merged = -1;

    /// <summary>Merges <paramref name="symbols"/> in place and returns how many remain at its start.</summary>
    public static int Merge(Span<int> symbols, BpeMergeTable table)
    {
        var n = symbols.Length;
        if (n < 2) return n;
        if (n == 2)
        {
            if (!table.TryGet(symbols[0], symbols[1], out var only)) return 2;
            symbols[0] = only.Result;
            return 1;
        }

        int[]? rentedLinks = null;
        long[]? rentedHeap = null;
        var links = n <= StackSymbols ? stackalloc int[2 * StackSymbols] : (rentedLinks = ArrayPool<int>.Shared.Rent(2 * n));
        var heapStorage = n <= StackSymbols ? stackalloc long[3 * StackSymbols] : (rentedHeap = ArrayPool<long>.Shared.Rent(3 * n));
        try
        {
            var previous = links[..n];
            var next = links.Slice(n, n);
            var heap = new PairHeap(heapStorage[..(3 * n)]);
            for (var i = 0; i < n; i++)
            {
                previous[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            for (var i = 0; i + 1 < n; i++)
                if (table.TryGet(symbols[i], symbols[i + 1], out var rule)) heap.Push(rule.Rank, i);

            while (heap.TryPop(out var rank, out var left))
            {
                var right = next[left];
                if (symbols[left] == Merged || right < 0) continue;
                if (!table.TryGet(symbols[left], symbols[right], out var rule) || rule.Rank != rank) continue;

                symbols[left] = rule.Result;
                symbols[right] = Merged;
                next[left] = next[right];
                if (next[right] >= 0) previous[next[right]] = left;

                var before = previous[left];
                if (before >= 0 && table.TryGet(symbols[before], symbols[left], out var leftRule)) heap.Push(leftRule.Rank, before);
                if (next[left] >= 0 && table.TryGet(symbols[left], symbols[next[left]], out var rightRule)) heap.Push(rightRule.Rank, left);
            }

            var count = 0;
            for (var i = 0; i >= 0; i = next[i]) symbols[count++] = symbols[i];
            return count;
        }
        finally
        {
            if (rentedLinks is not null) ArrayPool<int>.Shared.Return(rentedLinks);
            if (rentedHeap is not null) ArrayPool<long>.Shared.Return(rentedHeap);
        }
    }

    /// <summary>A binary min-heap of (rank, position) packed as rank·2³² + position.</summary>
    private ref struct PairHeap(Span<long> storage)
    {
        private readonly Span<long> items = storage;
        private int count;

        public void Push(int rank, int position)
        {
            var item = ((long)rank << 32) | (uint)position;
            var i = count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (items[parent] <= item) break;
                items[i] = items[parent];
                i = parent;
            }
            items[i] = item;
        }

        public bool TryPop(out int rank, out int position)
        {
            if (count == 0)
            {
                rank = position = 0;
                return false;
            }
            var top = items[0];
            var last = items[--count];
            var i = 0;
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= count) break;
                if (child + 1 < count && items[child + 1] < items[child]) child++;
                if (items[child] >= last) break;
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            rank = (int)(top >> 32);
            position = (int)(uint)top;
            return true;
        }
    }
}
