/**
 * Haven's guided intake: a pure, synchronous dialogue engine.
 *
 * <p>An {@link org.haven.bot.Intake} is an immutable script loaded from YAML (see {@code
 * docs/intake.md}). The {@link org.haven.bot.Engine} is a state machine {@code (intake, state,
 * input) → (new state, replies, events)}: the caller keeps the {@link
 * org.haven.bot.ConversationState} (encrypted, as bytes) between messages, shows the {@link
 * org.haven.bot.Reply replies} on its channel (see {@code org.haven.bot.render}) and acts on the
 * {@link org.haven.bot.Event events}.
 */
package org.haven.bot;
