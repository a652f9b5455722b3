/**
 * Makes every BroadcastChannel message posted in `win` leave `ms` late, as on a loaded machine
 * (the kit's tab news must not depend on the message's timing). A message whose channel closed
 * meanwhile is dropped, as a closed channel's would be. Returns the undo.
 */
export function delayChannelMessages(win: { BroadcastChannel: typeof BroadcastChannel }, ms: number): () => void {
  const proto = win.BroadcastChannel.prototype;
  const post = proto.postMessage;
  proto.postMessage = function (this: BroadcastChannel, message: unknown) {
    setTimeout(() => {
      try {
        post.call(this, message);
      } catch {
        // closed meanwhile (its element left the page)
      }
    }, ms);
  };
  return () => {
    proto.postMessage = post;
  };
}
