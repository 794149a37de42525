/**
 * Pieces of the dialogue engine: input folding, keywords, answer parsing, triage, referral codes.
 */
package org.haven.bot.engine;
