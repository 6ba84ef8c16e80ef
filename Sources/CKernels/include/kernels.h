void kit_placeholder(void);
