package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runner is one run of the command line: its global settings, and the exit
// code of the command that ran.
type runner struct {
	*env
	g       globals
	version bool // --version
	ran     bool // a command's own code ran, and code is its exit code
	code    int
}

// rootCommand builds the command tree from r.commands: "vb365", a group
// command for the first word of each two-word command ("sessions"), and a
// command for each. cobra parses the flags (globals anywhere on the line),
// finds the command and writes completion scripts; the rest is ours.
func (r *runner) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "vb365",
		Short:         "restore mail and OneDrive documents from Veeam Backup for Microsoft 365",
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cc *cobra.Command, args []string) error {
			switch {
			case r.version:
				r.ran = true
				r.code = r.runCommand(cc, versionCommand, &leafFlags{}, nil, printVersion)
				return nil
			case len(args) == 0:
				r.help(r.stderr, cc)
				return &usageError{} // the help says it all
			}
			return r.unknownCommand(cc, args[0])
		},
	}
	root.SetIn(r.stdin)
	root.SetOut(r.stdout) // before the completion command, which keeps it
	root.SetErr(r.stderr)
	globalFlags(root.PersistentFlags(), &r.g)
	root.Flags().BoolVar(&r.version, "version", false, "print the CLI's version and the API versions it speaks")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"table", "json", "tsv"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("api-version", cobra.FixedCompletions([]string{"v6", "v7", "v8", "auto"}, cobra.ShellCompDirectiveNoFileComp))
	root.SetFlagErrorFunc(r.flagError)
	root.SetHelpFunc(func(cc *cobra.Command, _ []string) { r.help(cc.OutOrStdout(), cc) })
	root.SetHelpCommand(r.helpCommand())

	groups := map[string]*cobra.Command{}
	for _, c := range r.commands {
		parent := root
		if group, _, ok := strings.Cut(c.name, " "); ok {
			if groups[group] == nil {
				groups[group] = r.groupCommand(group)
				root.AddCommand(groups[group])
			}
			parent = groups[group]
		}
		parent.AddCommand(r.leaf(c))
	}
	// cobra's completion command, made now so that alone, or with a word
	// that names no shell, it is a usage error like the other groups.
	root.InitDefaultCompletionCmd()
	for _, cc := range root.Commands() {
		if cc.Name() == "completion" {
			cc.Args = cobra.ArbitraryArgs
			cc.RunE = func(cc *cobra.Command, args []string) error {
				if len(args) == 0 {
					return usagef("'vb365 completion' needs a shell: bash, zsh, fish or powershell")
				}
				return r.unknownCommand(cc, args[0])
			}
		}
	}
	return root
}

func init() {
	// Commands are listed in the order of the workflow, as written.
	cobra.EnableCommandSorting = false
}

// subcommands lists the words after group of its commands, in the order of
// r.commands.
func (e *env) subcommands(group string) []string {
	var subs []string
	for _, c := range e.commands {
		if g, sub, ok := strings.Cut(c.name, " "); ok && g == group {
			subs = append(subs, sub)
		}
	}
	return subs
}

// groupCommand is the first word of two-word commands: alone, or with a
// word that is none of its subcommands, it is a usage error.
func (r *runner) groupCommand(group string) *cobra.Command {
	subs := r.subcommands(group)
	return &cobra.Command{
		Use:   group + " <command>",
		Short: strings.Join(subs, ", "),
		Args:  cobra.ArbitraryArgs,
		RunE: func(cc *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("'vb365 %s' needs a subcommand: %s", group, strings.Join(subs, ", "))
			}
			return r.unknownCommand(cc, args[0])
		},
	}
}

// unknownCommand is the usage error of a word after cc that names none of
// its subcommands, with the nearest ones.
func (r *runner) unknownCommand(cc *cobra.Command, word string) error {
	name := strings.Join(strings.Fields(pathOf(cc)+" "+word), " ")
	var names []string
	for _, sub := range cc.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	if near := nearest(names, word); len(near) > 0 {
		for i, s := range near {
			near[i] = "'" + strings.Join(strings.Fields("vb365 "+pathOf(cc)+" "+s), " ") + "'"
		}
		return usagef("unknown command 'vb365 %s'; did you mean %s?", name, strings.Join(near, " or "))
	}
	if cc.HasParent() && len(names) > 0 {
		return usagef("unknown command 'vb365 %s' (want %s)", name, strings.Join(names, ", "))
	}
	return usagef("unknown command %q", word)
}

// pathOf is cc's command path without "vb365": "restore items", or "" for
// the root or none.
func pathOf(cc *cobra.Command) string {
	if cc == nil {
		return ""
	}
	_, p, _ := strings.Cut(cc.CommandPath(), " ")
	return p
}

// helpCommand is 'vb365 help [command]': the help of vb365 or of the
// command, on stdout.
func (r *runner) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "show help: of vb365, or of a command",
		Args:  cobra.ArbitraryArgs,
		ValidArgsFunction: func(cc *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, err := cc.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cc *cobra.Command, args []string) error {
			target, rest, err := cc.Root().Find(args)
			if err != nil {
				return usagef("%s", err)
			}
			if len(rest) > 0 {
				return r.unknownCommand(target, rest[0])
			}
			r.help(r.stdout, target)
			return nil
		},
	}
}

// leafFlags are the flags that commands share by kind: --dry-run on those
// that send an action, --yes on those that overwrite.
type leafFlags struct {
	dryRun, yes bool
}

// leaf is the cobra command that runs c.
func (r *runner) leaf(c *command) *cobra.Command {
	words := strings.Fields(c.name)
	cc := &cobra.Command{
		Use:   strings.TrimSpace(words[len(words)-1] + " " + c.synopsis),
		Short: c.summary,
		Long:  c.help,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q (every value goes with a flag, such as --session ID)", args[0])
			}
			return nil
		},
	}
	check, act := c.setup(cc.Flags())
	lf := &leafFlags{}
	if c.dryRun {
		cc.Flags().BoolVar(&lf.dryRun, "dry-run", false, "print the request it would send (method, path, body with secrets hidden) and send nothing; the login and look-ups (a mailbox's address, a OneDrive's name, the documents sent whole) still happen")
	}
	if c.overwrites {
		cc.Flags().BoolVar(&lf.yes, "yes", false, "overwrite without asking; needed when stdin is not a terminal")
	}
	cc.RunE = func(cc *cobra.Command, _ []string) error {
		r.ran = true
		r.code = r.runCommand(cc, c, lf, check, act)
		return nil
	}
	return cc
}

// flagError turns pflag's errors into usage errors in the CLI's words, with
// the nearest flag for an unknown one.
func (r *runner) flagError(cc *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	var ve *pflag.InvalidValueError
	var re *pflag.ValueRequiredError
	switch {
	case errors.As(err, &ne):
		typed := ne.GetSpecifiedName()
		dashes := "--"
		if s := ne.GetSpecifiedShortnames(); s != "" {
			typed, dashes = s, "-"
		}
		msg := fmt.Sprintf("unknown flag %s%s", dashes, typed)
		if near := nearestFlags(cc, typed); len(near) > 0 {
			msg += "; did you mean --" + strings.Join(near, " or --") + "?"
		}
		if owner := flagOwner(cc.Root(), typed); owner != "" && dashes == "--" && len(nearestFlags(cc, typed)) == 0 {
			msg += fmt.Sprintf(" (it is a flag of 'vb365 %s', and goes after the command)", owner)
		}
		if strings.EqualFold(typed, "password") || strings.EqualFold(typed, "assertion") {
			msg += " (secrets never go in a flag, which ps would show: use a file, stdin or the environment)"
		}
		return &usageError{msg}
	case errors.As(err, &ve):
		return usagef("--%s: %q is not a valid %s", ve.GetFlag().Name, ve.GetValue(), valueKind(ve.GetFlag()))
	case errors.As(err, &re):
		return usagef("--%s needs a value", re.GetFlag().Name)
	}
	return &usageError{err.Error()}
}

// flagOwner names the first command below cc that has the flag, or "".
func flagOwner(cc *cobra.Command, name string) string {
	for _, sub := range cc.Commands() {
		if sub.LocalFlags().Lookup(name) != nil && sub.Runnable() {
			return pathOf(sub)
		}
		if owner := flagOwner(sub, name); owner != "" {
			return owner
		}
	}
	return ""
}

// valueKind names what a flag takes, for an error.
func valueKind(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int", "int64", "uint":
		return "number"
	case "duration":
		return "duration (such as 90s or 10m)"
	case "bool":
		return "yes/no value (true or false)"
	}
	return "value"
}

// nearestFlags returns the flags of cc whose names are nearest to typed.
func nearestFlags(cc *cobra.Command, typed string) []string {
	var names []string
	cc.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	return nearest(names, strings.TrimLeft(typed, "-"))
}

// nearest returns the names nearest to typed: those fewest edits away, at
// most two, or else those that start with it.
func nearest(names []string, typed string) []string {
	typed = strings.ToLower(typed)
	var best, prefixed []string
	bestD := 2 // at most
	for _, name := range names {
		if typed != "" && strings.HasPrefix(name, typed) {
			prefixed = append(prefixed, name)
		}
		switch d := editDistance(typed, name); {
		case d < bestD || d == bestD && len(best) == 0:
			best, bestD = []string{name}, d
		case d == bestD:
			best = append(best, name)
		}
	}
	if len(best) == 0 {
		return prefixed
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
