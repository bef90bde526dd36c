/**
 * What `sync.push` checks beyond its input schema (which already bounds every value's shape and
 * keeps the engine's own origins and actors out), before anything is appended: every stamp within
 * the receiver's clock (never far ahead, never before MIN_STAMP: checkPushedStamps), and every
 * change within the per-change size. The whole batch is checked first, so a refused batch writes nothing and moves
 * no clock.
 */
import { ApiError } from '../../src-shared/api';
import { type ChangeIn, MAX_CHANGE_BYTES, stampsOf } from '../../src-shared/domain/change';
import { stampRangeCheck } from '../../src-shared/hlc';

export function checkPushedChanges(changes: readonly ChangeIn[], now: Date): void {
  checkPushedStamps(changes, now);
  changes.forEach((change, index) => {
    const size = JSON.stringify(change).length;
    if (size > MAX_CHANGE_BYTES) {
      throw new ApiError('PAYLOAD_TOO_LARGE', `Change ${index} is ${Math.round(size / 1024)} KB; a single change may be at most 1 MB.`, [
        { path: ['changes', index], message: 'larger than 1 MB' },
      ]);
    }
  });
}

/**
 * Every stamp of `changes` within the receiver's clock, or a BAD_INPUT naming the first change that
 * is not (`firstIndex`: the index of `changes[0]` in its batch). The sync server checks its pushes
 * with it too, so no device can hand the others a stamp that would freeze a record.
 */
export function checkPushedStamps(changes: readonly ChangeIn[], now: Date, firstIndex = 0): void {
  const stampProblem = stampRangeCheck(now.getTime());
  changes.forEach((change, i) => {
    const index = firstIndex + i;
    for (const { path, at } of stampsOf(change)) {
      const problem = stampProblem(at);
      if (problem) {
        throw new ApiError('BAD_INPUT', `Change ${index} was refused: ${problem}. Nothing was stored.`, [{ path: ['changes', index, ...path], message: problem }]);
      }
    }
  });
}
