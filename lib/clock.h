#ifndef CLOCK_H
#define CLOCK_H

/*
 * clock.h - the monotonic clock (now_ms); calls nothing in lib/.
 *
 * Declared here so that the write path can time its phases without
 * including heal.h (heal runs the write path: that include was a
 * circle). Defined in heal.c for now; it belongs in a clock.c of its own.
 */

/* Milliseconds on the monotonic clock. */
double now_ms(void);

#endif
