/**
 * Runs `work` while `setItem` throws QuotaExceededError, as a full or locked-down storage does:
 * on `area` only, or on every Storage when no area is given. `setItem` is put back afterwards,
 * whether `work` resolved or threw. (`fillStorage` fills storage for real instead; then removing
 * a key frees room again, which this keeps from happening.)
 */
export async function withWritesRefused<T>(work: () => Promise<T>, area?: Storage): Promise<T> {
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
    if (area && this !== area) return setItem.call(this, key, value);
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  try {
    return await work();
  } finally {
    Storage.prototype.setItem = setItem;
  }
}
