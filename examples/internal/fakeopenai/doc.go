// Package fakeopenai is the stand-in for the OpenAI API that the helper examples
// run against, so that they run offline.
package fakeopenai
