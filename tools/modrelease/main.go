package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "modrelease:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("modrelease", flag.ContinueOnError)
	root := fs.String("C", "", "the repository's root (default: the git work tree holding the current directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("no command: set-version, check, proxy, tags, dirs, strip-sums or add-sums")
	}
	if *root == "" {
		out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			return fmt.Errorf("finding the repository's root: %w", err)
		}
		*root = strings.TrimSpace(string(out))
	}
	r, err := loadRepo(*root)
	if err != nil {
		return err
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "set-version":
		if len(rest) > 1 {
			return fmt.Errorf("set-version takes at most one version")
		}
		v := ""
		if len(rest) == 1 {
			v = rest[0]
		}
		return r.setVersion(v)
	case "check":
		return r.check()
	case "proxy":
		pfs := flag.NewFlagSet("proxy", flag.ContinueOnError)
		rev := pfs.String("rev", "", "git revision to take the modules from (default: the work tree)")
		if err := pfs.Parse(rest); err != nil {
			return err
		}
		if pfs.NArg() != 1 {
			return fmt.Errorf("proxy takes one directory")
		}
		return r.writeProxy(pfs.Arg(0), *rev)
	case "tags":
		for _, m := range r.releasedModules() {
			fmt.Println(m.tag(r.released[m.Path]))
		}
		return nil
	case "dirs":
		for _, m := range r.modules {
			fmt.Println(cleanDir(m.workDir()))
		}
		return nil
	case "strip-sums":
		return r.stripSums()
	case "add-sums":
		if len(rest) != 1 {
			return fmt.Errorf("add-sums takes one file of go.sum lines")
		}
		return r.addSums(rest[0])
	}
	return fmt.Errorf("unknown command %q", cmd)
}
