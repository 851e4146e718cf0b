package m8fx

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/gin-gonic/gin"
	"go.uber.org/dig"
	"go.uber.org/fx"
)

// Main runs the app built from opts and exits the process with [Run]'s code.
//
//	func main() { m8fx.Main(m8fx.Module, fx.Provide(httpmod.AsRoutes(NewRoutes))) }
func Main(opts ...fx.Option) {
	os.Exit(Run(opts...))
}

// Run builds, starts and runs an fx app until SIGINT/SIGTERM (or an
// fx.Shutdowner call), then stops it. It returns the process exit code: 0
// after a clean stop, the shutdowner's code when one was given, 1 when the app
// cannot be built or started (bad settings, a missing dependency, a failed
// listen, a failed startup validator) or does not stop cleanly. Boot errors are
// printed to stderr as one line naming the root cause.
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
	app := fx.New(append(opts, fx.Supply(&quietBoot{}))...)
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
// arguments for function ...") is replaced by the root cause.
func reportBootError(w io.Writer, what string, err error) {
	_, _ = fmt.Fprintf(w, "m8fx: %s: %v\n", what, dig.RootCause(err))
}
