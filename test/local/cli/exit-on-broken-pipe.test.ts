// The broken-pipe guard: installed once per stream, and still in charge when another listener was there first.
import { PassThrough, Readable, Writable } from 'node:stream';
import { exitQuietlyOnBrokenPipe } from '../../../local/cli/exit-on-broken-pipe';

function brokenPipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
}

describe('exitQuietlyOnBrokenPipe', () => {
  it('exits 0 on EPIPE even when a pipe into the stream registered its own error listener first', () => {
    const destination = new PassThrough();
    Readable.from(['a']).pipe(destination);
    expect(destination.listenerCount('error')).toBe(1);
    const exits: number[] = [];
    exitQuietlyOnBrokenPipe([destination], (code) => exits.push(code));
    // Without the guard, the pipe's listener would remove itself and rethrow as an unhandled 'error' event.
    expect(() => destination.emit('error', brokenPipe())).not.toThrow();
    expect(exits).toEqual([0]);
  });

  it('installs one listener however often it is called, and rethrows errors other than EPIPE', () => {
    const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    const exits: number[] = [];
    exitQuietlyOnBrokenPipe([stream], (code) => exits.push(code));
    exitQuietlyOnBrokenPipe([stream], (code) => exits.push(code));
    expect(stream.listenerCount('error')).toBe(1);
    expect(() => stream.emit('error', new Error('disk full'))).toThrow('disk full');
    expect(exits).toEqual([]);
  });
});
