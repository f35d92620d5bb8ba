import { predict, RecordError, type PredictInput, type Prediction, type SegmentModel } from '../segmentation/artifact';

/** Options of {@link predictInSlices}. */
export interface SliceOptions {
  /** Customers scored between two turns of the event loop. Default 250 (~1 ms of work on the Mall model). */
  sliceSize?: number;
}

/**
 * `predict` on a batch in slices, yielding to the event loop between them (setImmediate), so a server scoring a
 * batch of 10,000 customers keeps answering other requests (GET /health) meanwhile. Same answers and the same
 * refusal as `predict` on the whole batch: a RecordError names the customer by its index in the whole batch.
 */
export async function predictInSlices(model: SegmentModel, customers: readonly PredictInput[], options: SliceOptions = {}): Promise<Prediction[]> {
  const { sliceSize = 250 } = options;
  const out: Prediction[] = [];
  for (let start = 0; start < customers.length; start += sliceSize) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      for (const p of predict(model, customers.slice(start, start + sliceSize))) out.push(p);
    } catch (e) {
      if (!(e instanceof RecordError) || start === 0) throw e;
      throw new RecordError(e.field.replace(/^customers\[(\d+)\]/, (_, i: string) => `customers[${Number(i) + start}]`), e.problem);
    }
  }
  return out;
}
