using System.Globalization;

namespace AutoDiff.Samples.Cli;

/// <summary>A command-line usage error, printed with the command's help.</summary>
/// <param name="message">What is wrong.</param>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The parsed command line: <c>command [--name value | --name=value | --flag]…</c>. Every option must be declared
/// by the command; getters convert values and report bad ones by name.
/// </summary>
public sealed class ParsedArguments
{
    private readonly Dictionary<string, string?> _values;

    private ParsedArguments(string? command, Dictionary<string, string?> values)
    {
        Command = command;
        _values = values;
    }

    /// <summary>Gets the subcommand, or <see langword="null"/> when none was given.</summary>
    public string? Command { get; }

    /// <summary>Gets whether <c>--help</c> or <c>-h</c> was given.</summary>
    public bool HelpRequested => _values.ContainsKey("help");

    /// <summary>Splits the arguments into the command and its options.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="isFlag">Whether an option name takes no value.</param>
    /// <returns>The parsed arguments.</returns>
    public static ParsedArguments Parse(IReadOnlyList<string> args, Func<string, bool> isFlag)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(isFlag);
        string? command = null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                values["help"] = null;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                string name = arg[2..];
                string? value = null;
                int equals = name.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    value = name[(equals + 1)..];
                    name = name[..equals];
                }
                else if (!isFlag(name))
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"Option --{name} needs a value.");
                    }

                    value = args[++i];
                }

                if (!values.TryAdd(name, value))
                {
                    throw new UsageException($"Option --{name} is given twice.");
                }
            }
            else if (command is null && !arg.StartsWith('-'))
            {
                command = arg;
            }
            else
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }
        }

        return new ParsedArguments(command, values);
    }

    /// <summary>Refuses options the command does not declare.</summary>
    /// <param name="known">The declared option names.</param>
    public void RejectUnknown(IEnumerable<string> known)
    {
        var allowed = new HashSet<string>(known, StringComparer.Ordinal) { "help" };
        foreach (string name in _values.Keys)
        {
            if (!allowed.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }
    }

    /// <summary>Gets a string option.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <returns>The value.</returns>
    public string GetString(string name, string defaultValue) =>
        _values.TryGetValue(name, out string? value) && value is not null ? value : defaultValue;

    /// <summary>Gets a string option, or <see langword="null"/> when it is absent.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <returns>The value or <see langword="null"/>.</returns>
    public string? GetStringOrNull(string name) => _values.TryGetValue(name, out string? value) ? value : null;

    /// <summary>Gets whether a flag is present (<c>--flag</c>, or <c>--flag=false</c> to turn it off).</summary>
    /// <param name="name">The flag name without dashes.</param>
    /// <returns>Whether it is set.</returns>
    public bool GetFlag(string name)
    {
        if (!_values.TryGetValue(name, out string? value))
        {
            return false;
        }

        return value is null || (bool.TryParse(value, out bool parsed)
            ? parsed
            : throw new UsageException($"Option --{name} expects true or false, not '{value}'."));
    }

    /// <summary>Gets an integer option in a range.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <param name="min">The least allowed value.</param>
    /// <param name="max">The greatest allowed value.</param>
    /// <returns>The value.</returns>
    public int GetInt(string name, int defaultValue, int min = 0, int max = int.MaxValue)
    {
        if (!_values.TryGetValue(name, out string? text) || text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new UsageException($"Option --{name} expects an integer from {min} to {max}, not '{text}'.");
        }

        return value;
    }

    /// <summary>Gets an unsigned 64-bit option (seeds).</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <returns>The value.</returns>
    public ulong GetUInt64(string name, ulong defaultValue)
    {
        if (!_values.TryGetValue(name, out string? text) || text is null)
        {
            return defaultValue;
        }

        return ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new UsageException($"Option --{name} expects a non-negative integer, not '{text}'.");
    }

    /// <summary>Gets a positive floating-point option.</summary>
    /// <param name="name">The option name without dashes.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <returns>The value.</returns>
    public double GetPositiveDouble(string name, double defaultValue)
    {
        if (!_values.TryGetValue(name, out string? text) || text is null)
        {
            return defaultValue;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value)
            ? value
            : throw new UsageException($"Option --{name} expects a positive number, not '{text}'.");
    }
}
