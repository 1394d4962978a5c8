/**
 * Test fixtures shared by every module's tests: a real Kafka broker inside the test JVM ({@link
 * ai.avloc.testsupport.EmbeddedKafka}) and where the real-data media live ({@link
 * ai.avloc.testsupport.RealData}). Used in test scope only; no production code may depend on it.
 */
package ai.avloc.testsupport;
