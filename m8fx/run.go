package m8fx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/dig"
	"go.uber.org/fx"
)

// Main runs the app built from opts and exits the process with [Run]'s code.
//
//	func main() { m8fx.Main(m8fx.Module, httpmod.AsRoutes(NewRoutes)) }
func Main(opts ...fx.Option) {
	os.Exit(Run(opts...))
}

// Run builds, starts and runs an fx app until SIGINT/SIGTERM (or an
// fx.Shutdowner call), then stops it. It returns the process exit code: 0
// after a clean stop, the shutdowner's code when one was given, 1 when the app
// cannot be built or started (bad settings, a missing dependency, a failed
// listen, a failed startup validator, a panicking constructor) or does not
// stop cleanly. Boot errors are printed to stderr as one line naming the root
// cause, and that line is all a failed boot prints: fx's events about the
// failure are logged at debug level only, without stacks, and a panic in a
// constructor or an fx.Invoke function is recovered (fx.RecoverFromPanics)
// and reported like any other error.
func Run(opts ...fx.Option) int {
	return run(os.Stderr, opts...)
}

func run(stderr io.Writer, opts ...fx.Option) int {
	// gin's mode is process-wide: the kit never runs gin in debug mode (its
	// route dump and warnings are not log lines). A process already in
	// gin.TestMode (a test) stays in it.
	if gin.Mode() != gin.TestMode {
		gin.SetMode(gin.ReleaseMode)
	}
	app := fx.New(append(opts, fx.Supply(&quietBoot{}), fx.RecoverFromPanics())...)
	if err := app.Err(); err != nil {
		reportBootError(stderr, "cannot build the app", err)
		return 1
	}
	// Listen for signals before starting, so that a SIGTERM during start is
	// not lost (it stops the app right after start completes).
	wait := app.Wait()
	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		reportBootError(stderr, "cannot start", err)
		// fx already rolled the started hooks back; Stop only releases the
		// signal listener.
		_ = app.Stop(context.Background())
		return 1
	}
	sig := <-wait
	stopCtx, cancelStop := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancelStop()
	if err := app.Stop(stopCtx); err != nil {
		reportBootError(stderr, "unclean stop", err)
		return 1
	}
	return sig.ExitCode
}

// reportBootError prints one clear line: dig's wrapping ("could not build
// arguments for function ...") is replaced by the root cause, and a
// multi-line message (the settings problems) is joined into one line.
func reportBootError(w io.Writer, what string, err error) {
	_, _ = fmt.Fprintf(w, "m8fx: %s: %s\n", what, oneLine(bootCause(err)))
}

// bootCause is err's root cause, with a recovered panic (dig.PanicError,
// "panic: %q in func: f (file:line)") told as what it is: the function and
// the value it panicked with.
func bootCause(err error) error {
	cause := dig.RootCause(err)
	var pe dig.PanicError
	if !errors.As(cause, &pe) {
		return cause
	}
	_, fn, ok := strings.Cut(pe.Error(), " in func: ")
	if !ok || strings.HasPrefix(fn, `"reflect".`) {
		// fx.Annotate's wrappers are reflect.MakeFunc stubs: no name to give.
		return fmt.Errorf("a constructor or invoke panicked: %v", pe.Panic)
	}
	return fmt.Errorf("%s panicked: %v", fn, pe.Panic)
}

// oneLine is err's message on one line: each further line is trimmed, its
// list bullet dropped, and joined to the previous one with "; " (or a space
// after a line ending in ":"), e.g.
//
//	invalid settings (2 problems): API_PREFIX: must start with "/" ...; DOMAIN: is required
func oneLine(err error) string {
	lines := strings.Split(err.Error(), "\n")
	var b strings.Builder
	for _, line := range lines {
		line = strings.TrimPrefix(strings.TrimSpace(line), "- ")
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}
