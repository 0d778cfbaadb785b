using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Jobs;
using Entrada.Ldap.Actions;
using Entrada.Ldap.Errors;

namespace Entrada.Ldap.ActiveDirectory;

/// <summary>Input of <c>ldap.ad.disable-accounts</c>: the accounts' DNs.</summary>
public sealed record LdapAccountsInput : IValidatableInput, IBulkInput
{
    /// <summary>The user (or computer) accounts' DNs.</summary>
    [Description("The accounts' distinguished names; ldap.find-dn finds one from a name, sAMAccountName or UPN.")]
    public required IReadOnlyList<string> Dns { get; init; }

    /// <inheritdoc />
    IReadOnlyList<string> IBulkInput.BulkItems => Dns;

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (Dns.Count == 0)
        {
            errors.Add(new("dns", "Give at least one account DN."));
        }

        for (var i = 0; i < Dns.Count && errors.Count < 20; i++)
        {
            LdapActionSession.CheckDn($"dns[{i}]", Dns[i], errors);
        }

        return errors;
    }
}

/// <summary>One account of a bulk account action.</summary>
/// <param name="Dn">The account.</param>
/// <param name="Outcome"><c>done</c>, <c>unchanged</c>, <c>failed</c>, or <c>planned</c> in a dry run.</param>
/// <param name="Message">Why it failed or was unchanged.</param>
public sealed record LdapAccountOutcome(string Dn, string Outcome, string? Message = null);

/// <summary>The outcome of a bulk account action: counts and every account.</summary>
public sealed record LdapAccountsResult(int Done, int Unchanged, int Failed, IReadOnlyList<LdapAccountOutcome> Items);

/// <summary>
/// <c>ldap.ad.disable-accounts</c>: disables many Active Directory accounts as a durable job. Each
/// account's state is read before it is written, so an account already disabled — by someone
/// else, or by an earlier run that was cut off before its checkpoint — is reported unchanged and
/// never written twice; accounts are checkpointed a few at a time.
/// </summary>
internal sealed class DisableAccountsAction : EntradaAction<LdapAccountsInput, LdapAccountsResult>
{
    /// <summary>Accounts per checkpoint.</summary>
    internal const int SliceSize = 10;

    public override ActionDescriptor Descriptor { get; } = Describe("ldap.ad.disable-accounts", "Disable many Active Directory accounts as a durable job: set bit 2 of userAccountControl on each, keeping every other bit.", ActionTarget.Ldap) with
    {
        RequiresActiveDirectory = true,
        Destructive = true,
        Bulk = true,
        Call = "modify userAccountControl",
        Example = new JsonObject { ["dns"] = new JsonArray("CN=Jane Doe,OU=People,DC=example,DC=com", "CN=John Roe,OU=People,DC=example,DC=com") },
    };

    public override async Task<LdapAccountsResult> ExecuteAsync(LdapAccountsInput input, ActionContext context, CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var job = context.Job;
        var outcomes = new LdapAccountOutcome?[input.Dns.Count];
        var pending = Enumerable.Range(0, input.Dns.Count).Where(i => job is null || !job.IsFinished(i)).ToList();
        var worked = 0;
        foreach (var slice in pending.Chunk(SliceSize))
        {
            var finished = new List<JobItem>(slice.Length);
            foreach (var index in slice)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var dn = input.Dns[index];
                LdapAccountOutcome outcome;
                try
                {
                    var (uac, _) = await AccountAction.ReadStateAsync(session, dn, cancellationToken);
                    if ((uac & AccountAction.AccountDisable) != 0)
                    {
                        outcome = new(dn, "unchanged", "The account was already disabled.");
                    }
                    else if (context.DryRun)
                    {
                        context.Plan("modify", dn, new JsonArray(new JsonObject { ["operation"] = "replace", ["attribute"] = "userAccountControl", ["values"] = new JsonArray((uac | AccountAction.AccountDisable).ToString(CultureInfo.InvariantCulture)) }));
                        outcome = new(dn, "planned");
                    }
                    else
                    {
                        await session.SendAsync<ModifyResponse>(new ModifyRequest(dn, DirectoryAttributeOperation.Replace, "userAccountControl", (uac | AccountAction.AccountDisable).ToString(CultureInfo.InvariantCulture)), "modify", dn, cancellationToken);
                        outcome = new(dn, "done");
                    }
                }
                catch (LdapOperationException ex) when (ex.Kind is not (ErrorKind.Authentication or ErrorKind.Cancelled))
                {
                    outcome = new(dn, "failed", ex.Message);
                }

                outcomes[index] = outcome;
                if (outcome.Outcome != "planned")
                {
                    finished.Add(new JobItem(index, dn, outcome.Outcome switch { "done" => JobItemState.Done, "unchanged" => JobItemState.Unchanged, _ => JobItemState.Failed }, outcome.Message));
                }
            }

            if (job is not null && finished.Count > 0)
            {
                await job.RecordAsync(finished, cancellationToken);
            }

            worked += slice.Length;
            context.Progress?.Report(new ActionProgress(input.Dns.Count - pending.Count + worked, input.Dns.Count));
        }

        var items = Enumerable.Range(0, input.Dns.Count).Select(i => outcomes[i] ?? FromJob(job!.Finished(i)!)).ToList();
        return new LdapAccountsResult(items.Count(i => i.Outcome == "done"), items.Count(i => i.Outcome == "unchanged"), items.Count(i => i.Outcome == "failed"), items);
    }

    private static LdapAccountOutcome FromJob(JobItem item) => new(item.Item, item.State switch
    {
        JobItemState.Done => "done",
        JobItemState.Unchanged => "unchanged",
        _ => "failed",
    }, item.Message);
}
