import { DecodeError, errorMessage } from '../../util/errors.js';
import { err, ok, type Result } from '../../util/result.js';
import { CodecFault } from './cursor.js';

/**
 * The public boundary of every decoder: runs `fn` and turns whatever it throws into a
 * DecodeError result. Cursor reads throw CodecFault with field and offset; anything else
 * (a bug) becomes CODEC_INTERNAL naming the decoder, so no untyped exception escapes.
 */
export function guard<T>(field: string, fn: () => T): Result<T, DecodeError> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof CodecFault) return err(e.toError());
    if (e instanceof DecodeError) return err(e);
    return err(new DecodeError('CODEC_INTERNAL', field, 0, errorMessage(e), { cause: e }));
  }
}
