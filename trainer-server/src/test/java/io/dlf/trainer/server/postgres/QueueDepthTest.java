package io.dlf.trainer.server.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shared queue's bound decides as an embedded trainer's: a job that starts at once, or room to wait. */
class QueueDepthTest {

  @Test
  void aJobThatAFreeSlotTakesIsAcceptedWithAFullQueue() {
    assertTrue(new QueueDepth(0, 0, 0).canAccept(1, 0), "a free slot and nothing queued");
    assertTrue(new QueueDepth(1, 1, 0).canAccept(2, 0), "a second free slot");
  }

  @Test
  void queuedJobsThatFreeSlotsWillTakeDoNotCountAsWaiting() {
    // One slot, a queue of one: the first job is still QUEUED until a host leases it, and it does not wait.
    assertTrue(new QueueDepth(1, 1, 0).canAccept(1, 1));
    assertFalse(new QueueDepth(2, 2, 0).canAccept(1, 1), "one runs, one waits: full");
    assertFalse(new QueueDepth(1, 1, 1).canAccept(1, 1), "one running, one waiting: full");
  }

  @Test
  void jobsOfAnotherKindWaitInTheSameQueue() {
    assertFalse(new QueueDepth(3, 0, 1).canAccept(1, 3), "no free CPU slot, three GPU jobs waiting");
    assertTrue(new QueueDepth(3, 0, 0).canAccept(1, 3), "a free CPU slot");
  }
}
