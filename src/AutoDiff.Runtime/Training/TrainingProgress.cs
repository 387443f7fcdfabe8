using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace AutoDiff.Training;

/// <summary>Reports training progress; step reports are throttled so that per-step work stays allocation-free.</summary>
internal abstract class TrainingProgress
{
    private static readonly long s_stepReportInterval = Stopwatch.Frequency / 10;
    private long _lastStepReport;

    protected TrainingProgress(int totalEpochs, long totalSteps)
    {
        TotalEpochs = totalEpochs;
        TotalSteps = totalSteps;
        StartTimestamp = Stopwatch.GetTimestamp();
    }

    protected int TotalEpochs { get; }

    /// <summary>Gets the number of steps this call to <see cref="Trainer.Fit"/> will take if it runs to the end.</summary>
    protected long TotalSteps { get; }

    protected long StartTimestamp { get; }

    /// <summary>Picks plain lines when output is redirected or <c>CI</c> is set, as build servers expect.</summary>
    public static ProgressMode Resolve(ProgressMode requested, bool outputRedirected, string? ciVariable) =>
        requested != ProgressMode.Auto ? requested
        : outputRedirected || !string.IsNullOrEmpty(ciVariable) ? ProgressMode.Plain
        : ProgressMode.Rich;

    public static TrainingProgress Create(TrainerOptions options, int totalEpochs, long totalSteps) =>
        Resolve(options.Progress, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CI")) switch
        {
            ProgressMode.Rich => new Rich(options.Console ?? AnsiConsole.Console, totalEpochs, totalSteps),
            ProgressMode.Plain => new Plain(options.PlainOutput ?? Console.Out, totalEpochs, totalSteps),
            _ => new Silent(totalEpochs, totalSteps),
        };

    /// <summary>Runs the whole training loop inside whatever display this reporter needs.</summary>
    public virtual void Run(Action body) => body();

    /// <summary>Called on every step: does nothing unless the last report is at least 100 ms old.</summary>
    public void OnStep(in StepMetrics step, long stepsDone, double runningLoss)
    {
        long now = Stopwatch.GetTimestamp();
        if (now - _lastStepReport < s_stepReportInterval && stepsDone != TotalSteps)
        {
            return;
        }

        _lastStepReport = now;
        ReportStep(step, stepsDone, runningLoss);
    }

    public abstract void OnEpochEnd(in EpochMetrics epoch, long stepsDone);

    protected abstract void ReportStep(in StepMetrics step, long stepsDone, double runningLoss);

    protected TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartTimestamp);

    /// <summary>The remaining time if the remaining steps take as long as the ones done so far.</summary>
    protected TimeSpan EstimateRemaining(long stepsDone) =>
        stepsDone == 0 ? TimeSpan.Zero : Elapsed * ((double)(TotalSteps - stepsDone) / stepsDone);

    protected string FormatEpoch(in EpochMetrics epoch, long stepsDone)
    {
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"epoch {epoch.Epoch}/{TotalEpochs}  loss {epoch.TrainingLoss:F4}");
        if (epoch.Training is EvaluationMetrics training)
        {
            line.Append(CultureInfo.InvariantCulture, $"  acc {training.Accuracy:P2}");
        }

        if (epoch.Validation is EvaluationMetrics validation)
        {
            line.Append(CultureInfo.InvariantCulture, $"  val_loss {validation.Loss:F4}  val_acc {validation.Accuracy:P2}");
        }

        line.Append(CultureInfo.InvariantCulture, $"  lr {epoch.LearningRate:G3}  {epoch.Elapsed.TotalSeconds:F1}s  ETA {EstimateRemaining(stepsDone):hh\\:mm\\:ss}");
        if (epoch.IsBest)
        {
            line.Append("  *");
        }

        return line.ToString();
    }

    private sealed class Silent(int totalEpochs, long totalSteps) : TrainingProgress(totalEpochs, totalSteps)
    {
        public override void OnEpochEnd(in EpochMetrics epoch, long stepsDone)
        {
        }

        protected override void ReportStep(in StepMetrics step, long stepsDone, double runningLoss)
        {
        }
    }

    /// <summary>One line per epoch, and a line every five seconds inside long epochs.</summary>
    private sealed class Plain(TextWriter output, int totalEpochs, long totalSteps) : TrainingProgress(totalEpochs, totalSteps)
    {
        private static readonly TimeSpan s_lineInterval = TimeSpan.FromSeconds(5);
        private long _lastLine = Stopwatch.GetTimestamp();

        public override void OnEpochEnd(in EpochMetrics epoch, long stepsDone)
        {
            output.WriteLine(FormatEpoch(epoch, stepsDone));
            output.Flush();
            _lastLine = Stopwatch.GetTimestamp();
        }

        protected override void ReportStep(in StepMetrics step, long stepsDone, double runningLoss)
        {
            if (Stopwatch.GetElapsedTime(_lastLine) < s_lineInterval)
            {
                return;
            }

            _lastLine = Stopwatch.GetTimestamp();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {step.Epoch}/{TotalEpochs}  batch {step.Batch + 1}/{step.BatchCount}  loss {runningLoss:F4}  ETA {EstimateRemaining(stepsDone):hh\\:mm\\:ss}"));
            output.Flush();
        }
    }

    /// <summary>A Spectre.Console progress bar with percentage, elapsed time, ETA and the live loss in its description.</summary>
    private sealed class Rich(IAnsiConsole console, int totalEpochs, long totalSteps) : TrainingProgress(totalEpochs, totalSteps)
    {
        private ProgressTask? _task;

        public override void Run(Action body) =>
            console.Progress()
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new ElapsedTimeColumn(),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .Start(context =>
                {
                    _task = context.AddTask($"epoch 1/{TotalEpochs}", maxValue: Math.Max(1, TotalSteps));
                    body();
                    _task.Value = _task.MaxValue;
                    _task.StopTask();
                });

        public override void OnEpochEnd(in EpochMetrics epoch, long stepsDone) =>
            console.MarkupLine(Markup.Escape(FormatEpoch(epoch, stepsDone)));

        protected override void ReportStep(in StepMetrics step, long stepsDone, double runningLoss)
        {
            if (_task is null)
            {
                return;
            }

            _task.Value = stepsDone;
            _task.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {step.Epoch}/{TotalEpochs}  loss {runningLoss:F4}");
        }
    }
}
