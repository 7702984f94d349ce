/**
 * A one-line progress bar redrawn with `\r` on a TTY. Hand-written rather than `cli-progress`:
 * one bar, one line, no terminal queries or multi-bar layout, and the CLI gives a writer only when
 * stderr is a TTY, so "silent when piped" needs no detection here. Redraws at most 10 times a second.
 */
const WIDTH = 30;

export interface ProgressBar {
  update: (done: number, total: number) => void;
  done: () => void;
}

export function progressBar(write: ((text: string) => void) | undefined, label: string): ProgressBar {
  if (!write) return { update: () => undefined, done: () => undefined };
  const started = performance.now();
  let lastDraw = 0;
  let drawn = false;
  const draw = (done: number, total: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${label}  ${rate.toLocaleString('en-US')}/s  ${seconds.toFixed(0)} s `,
    );
    drawn = true;
  };
  return {
    update: (done, total) => {
      const now = performance.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      draw(done, total);
    },
    done: () => {
      if (drawn) write('\n');
    },
  };
}
