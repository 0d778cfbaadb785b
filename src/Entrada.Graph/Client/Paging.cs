using System.Runtime.CompilerServices;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Entrada.Graph.Client;

/// <summary>
/// Streams every page of a Graph collection by following <c>@odata.nextLink</c>, stopping at
/// <c>max</c> items, and sending the same headers (ConsistencyLevel is not carried to the next
/// page by Graph) on every page.
/// </summary>
internal static class Paging
{
    /// <summary>Streams the items of a collection request.</summary>
    /// <param name="run">The run (its client's adapter sends the requests).</param>
    /// <param name="first">The first page's request.</param>
    /// <param name="factory">The page type's factory (<c>UserCollectionResponse.CreateFromDiscriminatorValue</c>).</param>
    /// <param name="items">The items of a page.</param>
    /// <param name="nextLink">The next page's link.</param>
    /// <param name="max">Stop after this many items; null for all.</param>
    /// <param name="cancellationToken">Cancels between and during pages.</param>
    public static async IAsyncEnumerable<TItem> ItemsAsync<TPage, TItem>(
        GraphRun run,
        RequestInformation first,
        ParsableFactory<TPage> factory,
        Func<TPage, IEnumerable<TItem>?> items,
        Func<TPage, string?> nextLink,
        int? max,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TPage : IParsable
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(first);
        var headers = first.Headers.ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
        var request = first;
        long count = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await run.SendAsync(request, factory, cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                yield break;
            }

            foreach (var item in items(page) ?? [])
            {
                // A page holds up to 999 items: stop between them, not only between pages.
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
                if (max is { } m && ++count >= m)
                {
                    yield break;
                }
            }

            var next = nextLink(page);
            if (string.IsNullOrEmpty(next))
            {
                yield break;
            }

            request = new RequestInformation { HttpMethod = Method.GET, URI = new Uri(next) };
            foreach (var (name, values) in headers)
            {
                request.Headers.Add(name, values);
            }
        }
    }
}
