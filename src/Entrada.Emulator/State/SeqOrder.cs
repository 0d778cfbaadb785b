namespace Entrada.Emulator.State;

/// <summary>Lists of entities kept in insertion (<see cref="Entity.Seq"/>) order, searched by binary search on the sequence.</summary>
internal static class SeqOrder
{
    /// <summary>Removes an entity from a list kept in insertion order, by binary search on its sequence.</summary>
    public static void Remove<T>(List<T> list, T entity)
        where T : Entity
    {
        var index = IndexOf(list, entity.Seq);
        if (index >= 0 && index < list.Count && ReferenceEquals(list[index], entity))
        {
            list.RemoveAt(index);
        }
        else
        {
            list.Remove(entity);
        }
    }

    /// <summary>The index of the first entity whose sequence is at least <paramref name="seq"/>.</summary>
    public static int IndexOf<T>(List<T> list, long seq)
        where T : Entity
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].Seq < seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
